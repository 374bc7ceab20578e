namespace BatchLr.Feedback;

/// <summary>Says how the improvement threshold of a plateau detector is measured.</summary>
public enum ThresholdMode
{
    /// <summary>Relative to the best value: better means beyond <c>best · (1 ∓ threshold)</c>.</summary>
    Relative = 0,

    /// <summary>In the metric's own units: better means beyond <c>best ∓ threshold</c>.</summary>
    Absolute = 1,
}
