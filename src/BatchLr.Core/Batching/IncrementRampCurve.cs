using System;
using BatchLr.Schedules;

namespace BatchLr.Batching;

/// <summary>
/// Megatron-LM's <c>--rampup-batch-size start increment samples</c>: the batch grows by <c>increment</c> after each of
/// <c>n = (target - start) / increment</c> equal intervals of <c>samples / n</c>, and is <c>target</c> after the ramp.
/// </summary>
/// <remarks><c>B(s) = target</c> when <c>s &gt; samples</c>, else <c>start + floor(s / (samples / n)) · increment</c>.</remarks>
internal sealed class IncrementRampCurve(double start, double increment, double target, double rampSamples) : LearningRateSchedule
{
    private readonly double _perIncrement = rampSamples / Math.Floor((target - start) / increment);

    protected internal override double EvaluateCore(double position) =>
        position > rampSamples ? target : start + (Math.Floor(position / _perIncrement) * increment);
}
