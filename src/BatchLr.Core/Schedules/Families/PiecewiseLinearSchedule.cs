namespace BatchLr.Schedules.Families;

/// <summary>Straight lines between <c>(positions[i], values[i])</c>; the first value before the first point, the last after the last.</summary>
internal sealed class PiecewiseLinearSchedule(double[] positions, double[] values) : LearningRateSchedule
{
    internal override double Peak => PiecewiseConstantSchedule.MaxAbs(values);

    protected internal override double EvaluateCore(double position)
    {
        int i = Search.CountAtOrBelow(positions, position);
        if (i == 0)
        {
            return values[0];
        }

        if (i == positions.Length)
        {
            return values[^1];
        }

        double x0 = positions[i - 1];
        double x1 = positions[i];
        double p = (position - x0) / (x1 - x0);
        return Interpolation.Between(values[i - 1] + ((values[i] - values[i - 1]) * p), values[i - 1], values[i], p);
    }
}
