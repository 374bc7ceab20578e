using System;

namespace BatchLr.Schedules.Composition;

/// <summary>The pointwise product of schedules (PyTorch's ChainedScheduler of multiplicative factors).</summary>
internal sealed class ProductSchedule(LearningRateSchedule[] factors) : LearningRateSchedule
{
    public override ProgressClock Clock => factors[0].Clock;

    internal override double Peak
    {
        get
        {
            double peak = 1;
            foreach (LearningRateSchedule factor in factors)
            {
                peak *= factor.Peak;
            }

            return double.IsNaN(peak) ? double.PositiveInfinity : peak;
        }
    }

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
