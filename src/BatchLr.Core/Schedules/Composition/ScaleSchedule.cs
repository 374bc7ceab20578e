using System;

namespace BatchLr.Schedules.Composition;

/// <summary>Multiplies a schedule by a constant.</summary>
internal sealed class ScaleSchedule(LearningRateSchedule inner, double factor) : LearningRateSchedule
{
    public override ProgressClock Clock => inner.Clock;

    internal override double Peak => Math.Abs(factor) * inner.Peak;

    protected internal override double EvaluateCore(double position) => inner.EvaluateCore(position) * factor;
}
