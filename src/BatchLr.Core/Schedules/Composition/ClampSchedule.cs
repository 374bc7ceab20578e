using System;

namespace BatchLr.Schedules.Composition;

/// <summary>Keeps a schedule inside <c>[minimum, maximum]</c>.</summary>
internal sealed class ClampSchedule(LearningRateSchedule inner, double minimum, double maximum) : LearningRateSchedule
{
    public override ProgressClock Clock => inner.Clock;

    // The value is the inner one, the minimum where that lies below (so above -|inner|), or the maximum where that lies above
    // (so below |inner|): |v| ≤ max(|inner|, minimum, -maximum), and never more than the larger bound's magnitude.
    internal override double Peak => Math.Min(Math.Max(inner.Peak, Math.Max(minimum, -maximum)), Math.Max(Math.Abs(minimum), Math.Abs(maximum)));

    protected internal override double EvaluateCore(double position) => Math.Clamp(inner.EvaluateCore(position), minimum, maximum);
}
