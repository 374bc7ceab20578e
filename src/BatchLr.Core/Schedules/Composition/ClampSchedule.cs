using System;

namespace BatchLr.Schedules.Composition;

/// <summary>Keeps a schedule inside <c>[minimum, maximum]</c>.</summary>
internal sealed class ClampSchedule(LearningRateSchedule inner, double minimum, double maximum) : LearningRateSchedule
{
    public override ProgressClock Clock => inner.Clock;

    internal override double Peak => Math.Min(inner.Peak, Math.Max(Math.Abs(minimum), Math.Abs(maximum)));

    protected internal override double EvaluateCore(double position) => Math.Clamp(inner.EvaluateCore(position), minimum, maximum);
}
