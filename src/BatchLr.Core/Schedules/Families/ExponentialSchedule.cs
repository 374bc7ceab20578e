using System;

namespace BatchLr.Schedules.Families;

/// <summary><c>v(t) = initial · rate^(t / interval)</c>, with the exponent floored when <c>staircase</c> is set.</summary>
internal sealed class ExponentialSchedule(double initial, double rate, double interval, bool staircase) : LearningRateSchedule
{
    internal override double Peak => rate <= 1 || initial == 0 ? Math.Abs(initial) : double.PositiveInfinity;

    protected internal override double EvaluateCore(double position)
    {
        double exponent = position / interval;
        if (staircase)
        {
            exponent = Math.Floor(exponent);
        }

        return initial == 0 ? 0.0 : initial * Math.Pow(rate, exponent); // 0 · rate^t is NaN where a growth overflows
    }
}
