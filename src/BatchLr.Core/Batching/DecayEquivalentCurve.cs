using System;
using BatchLr.Schedules;

namespace BatchLr.Batching;

/// <summary>
/// The batch size that replaces a learning-rate decay: <c>B(s) = B0</c> during the warmup <c>s &lt; w</c>, then
/// <c>B(s) = min(max, B0 · η(w) / η(s))</c>, on the schedule's clock.
/// </summary>
internal sealed class DecayEquivalentCurve(LearningRateSchedule schedule, double reference, double maximum, double warmup) : LearningRateSchedule
{
    private readonly double _peak = schedule.EvaluateCore(warmup);

    public override ProgressClock Clock => schedule.Clock;

    protected internal override double EvaluateCore(double position)
    {
        // Stryker disable once Equality : at position == warmup the rate is η(w) = _peak, so reference · (_peak / rate) = reference · 1, the reference this branch returns
        if (position < warmup)
        {
            return reference;
        }

        double rate = schedule.EvaluateCore(position);
        return rate > 0 ? Math.Min(maximum, reference * (_peak / rate)) : maximum;
    }
}
