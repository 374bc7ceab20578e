using System;

namespace BatchLr.Schedules.Families;

/// <summary><c>v(t) = initial / (1 + rate · t / interval)</c>, with the ratio floored when <c>staircase</c> is set (Keras InverseTimeDecay).</summary>
internal sealed class InverseTimeSchedule(double initial, double rate, double interval, bool staircase) : LearningRateSchedule
{
    internal override double Peak => Math.Abs(initial);

    protected internal override double EvaluateCore(double position)
    {
        double p = position / interval;
        if (staircase)
        {
            p = Math.Floor(p);
        }

        return rate == 0 ? initial : initial / (1.0 + (rate * p)); // 0 · p is NaN where p overflows
    }
}
