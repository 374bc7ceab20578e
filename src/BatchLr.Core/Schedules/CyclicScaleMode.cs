namespace BatchLr.Schedules;

/// <summary>Says what a cyclic schedule's scale function receives (PyTorch's CyclicLR <c>scale_mode</c>).</summary>
public enum CyclicScaleMode
{
    /// <summary>The cycle number, starting at 1.</summary>
    Cycle = 0,

    /// <summary>The position (step) itself.</summary>
    Iterations = 1,
}
