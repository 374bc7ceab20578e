namespace BatchLr.Benchmarks;

/// <summary>Advances a step modulo a horizon, so each benchmark call evaluates a new step and nothing can be hoisted.</summary>
internal struct StepCounter
{
    /// <summary>The number of steps in one pass of every benchmarked schedule.</summary>
    public const int Horizon = 1000;

    private int _step;

    /// <summary>Returns the current step and moves to the next one, wrapping at <see cref="Horizon"/>.</summary>
    /// <returns>The step, from 0 to <see cref="Horizon"/> - 1.</returns>
    public int Next()
    {
        int step = _step;
        _step = step + 1 == Horizon ? 0 : step + 1;
        return step;
    }
}
