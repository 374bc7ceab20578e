namespace BatchLr.Schedules.Composition;

/// <summary>The pointwise product of schedules (PyTorch's ChainedScheduler of multiplicative factors).</summary>
internal sealed class ProductSchedule(LearningRateSchedule[] factors) : LearningRateSchedule
{
    public override ProgressClock Clock => factors[0].Clock;

    protected internal override double EvaluateCore(double position)
    {
        double value = factors[0].EvaluateCore(position);
        for (int i = 1; i < factors.Length; i++)
        {
            value *= factors[i].EvaluateCore(position);
        }

        return value;
    }
}
