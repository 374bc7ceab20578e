namespace BatchLr.TorchSharp;

/// <summary>Specifies why a learning-rate range test ended.</summary>
public enum LearningRateFinderStopReason
{
    /// <summary>Every planned step ran.</summary>
    Completed,

    /// <summary>The smoothed loss rose above the divergence threshold times the best smoothed loss so far; that step is the curve's last point.</summary>
    Diverged,

    /// <summary>A step's loss was NaN or infinite; that step took no optimizer step and is not in the curve.</summary>
    NonFiniteLoss,
}
