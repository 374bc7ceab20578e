using System;
using BatchLr.Schedules;

namespace BatchLr.Batching;

/// <summary>The batch size that replaces a learning-rate decay: <c>B(s) = min(max, B0 · η(0) / η(s))</c>, on the schedule's clock.</summary>
internal sealed class DecayEquivalentCurve(LearningRateSchedule schedule, double reference, double maximum) : LearningRateSchedule
{
    private readonly double _initial = schedule.EvaluateCore(0);

    public override ProgressClock Clock => schedule.Clock;

    protected internal override double EvaluateCore(double position)
    {
        double rate = schedule.EvaluateCore(position);
        return rate > 0 ? Math.Min(maximum, reference * (_initial / rate)) : maximum;
    }
}
