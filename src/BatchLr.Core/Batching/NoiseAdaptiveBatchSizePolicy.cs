using System;

namespace BatchLr.Batching;

/// <summary>Moves the batch size toward a multiple of the measured noise scale at fixed intervals, by at most a factor per move.</summary>
/// <remarks>
/// The target <c>k · B_simple</c> is clamped to the constraints' bounds first, so a noise scale of <c>+∞</c> (a vanishing
/// <c>|G|²</c>) grows the batch toward the maximum and one of 0 shrinks it toward the minimum, each by at most the factor.
/// </remarks>
internal sealed class NoiseAdaptiveBatchSizePolicy(NoiseAdaptiveBatchSizeOptions options) : IAdaptiveBatchSizePolicy
{
    private readonly double _multiple = options.TargetMultiple;
    private readonly double _maxChange = options.MaxChangeFactor;
    private readonly int _interval = options.UpdateInterval;
    private int _batchSize = options.InitialBatchSize;
    private int _stepsSinceUpdate;

    public BatchSizeConstraints Constraints { get; } = options.Constraints;

    public AdaptiveBatchState State
    {
        get
        {
            var values = StateValues.New();
            values["steps_since_update"] = _stepsSinceUpdate;
            return new AdaptiveBatchState(_batchSize, values);
        }
    }

    public int GetBatchSize(in TrainingProgress progress) => _batchSize;

    public void Observe(in BatchFeedback feedback)
    {
        _stepsSinceUpdate++;
        if (_stepsSinceUpdate < _interval || !feedback.Noise.IsKnown)
        {
            return;
        }

        _stepsSinceUpdate = 0;

        // B_simple is +∞ in the noise-dominated limit (|G|² = 0) and may be 0; the bounds make every target a finite size.
        double target = Math.Clamp(_multiple * feedback.Noise.NoiseScale, Constraints.LowestAllowed, Constraints.HighestAllowed);
        double limited = Math.Clamp(target, _batchSize / _maxChange, _batchSize * _maxChange);
        _batchSize = Constraints.Move(_batchSize, limited, target);
    }

    public void Report(double metric)
    {
        // The noise scale decides; validation metrics play no part.
    }

    public void Restore(AdaptiveBatchState state)
    {
        StateValues.CheckBatch(state, Constraints);
        int steps = StateValues.ReadCount(state, "steps_since_update");
        _batchSize = state.BatchSize;
        _stepsSinceUpdate = steps;
    }
}
