using System;

namespace BatchLr.Schedules.Families;

/// <summary><c>v(t) = initial · rate^(t / interval)</c>, with the exponent floored when <c>staircase</c> is set.</summary>
internal sealed class ExponentialSchedule(double initial, double rate, double interval, bool staircase) : LearningRateSchedule
{
    protected internal override double EvaluateCore(double position)
    {
        double exponent = position / interval;
        if (staircase)
        {
            exponent = Math.Floor(exponent);
        }

        return initial * Math.Pow(rate, exponent);
    }
}
