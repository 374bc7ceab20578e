namespace BatchLr.Schedules.Families;

/// <summary><c>values[i]</c> on <c>[boundaries[i-1], boundaries[i])</c>; <c>values</c> has one more entry than <c>boundaries</c>.</summary>
internal sealed class PiecewiseConstantSchedule(double[] boundaries, double[] values) : LearningRateSchedule
{
    protected internal override double EvaluateCore(double position) => values[Search.CountAtOrBelow(boundaries, position)];
}
