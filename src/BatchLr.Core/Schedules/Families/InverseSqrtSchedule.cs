using System;

namespace BatchLr.Schedules.Families;

/// <summary><c>v(t) = initial / sqrt((t + timescale) / timescale)</c>: equal to <c>initial</c> at zero, falling as <c>1 / sqrt(t)</c>.</summary>
internal sealed class InverseSqrtSchedule(double initial, double timescale) : LearningRateSchedule
{
    internal override double Peak => Math.Abs(initial);

    protected internal override double EvaluateCore(double position) =>
        initial * (1.0 / Math.Sqrt((position + timescale) / timescale));
}
