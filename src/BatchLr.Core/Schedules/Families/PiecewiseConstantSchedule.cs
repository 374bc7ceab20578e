using System;

namespace BatchLr.Schedules.Families;

/// <summary><c>values[i]</c> on <c>[boundaries[i-1], boundaries[i])</c>; <c>values</c> has one more entry than <c>boundaries</c>.</summary>
internal sealed class PiecewiseConstantSchedule(double[] boundaries, double[] values) : LearningRateSchedule
{
    internal override double Peak => MaxAbs(values);

    internal static double MaxAbs(double[] values)
    {
        double peak = 0;
        foreach (double value in values)
        {
            peak = Math.Max(peak, Math.Abs(value));
        }

        return peak;
    }

    protected internal override double EvaluateCore(double position) => values[Search.CountAtOrBelow(boundaries, position)];
}
