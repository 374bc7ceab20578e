using System;
using BatchLr.Internal;

namespace BatchLr.Scaling;

/// <summary>Creates the learning-rate scaling rules applied when the batch size changes.</summary>
public static class LearningRateScaling
{
    /// <summary>Gets the rule that never changes the learning rate.</summary>
    public static ILearningRateScaling None { get; } = new PowerScaling(1, 0.0);

    /// <summary>Creates the linear scaling rule (Goyal et al. 2017): the learning rate grows in proportion to the batch.</summary>
    /// <param name="referenceBatchSize">The batch the schedule was tuned for; 1 or more.</param>
    /// <returns>The rule <c>factor(B) = B / B_ref</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="referenceBatchSize"/> is less than 1.</exception>
    public static ILearningRateScaling Linear(int referenceBatchSize)
    {
        Guard.Positive(referenceBatchSize);
        return new PowerScaling(referenceBatchSize, 1.0);
    }

    /// <summary>Creates the square-root scaling rule (Hoffer et al. 2017; the rule Malladi et al. 2022 derive for Adam).</summary>
    /// <param name="referenceBatchSize">The batch the schedule was tuned for; 1 or more.</param>
    /// <returns>The rule <c>factor(B) = sqrt(B / B_ref)</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="referenceBatchSize"/> is less than 1.</exception>
    public static ILearningRateScaling SquareRoot(int referenceBatchSize)
    {
        Guard.Positive(referenceBatchSize);
        return new PowerScaling(referenceBatchSize, 0.5);
    }

    private sealed class PowerScaling(int reference, double power) : ILearningRateScaling
    {
        public double GetFactor(int batchSize)
        {
            if (batchSize < 1)
            {
                throw Guard.OutOfRange(nameof(batchSize), batchSize, "1 or more");
            }

            double ratio = (double)batchSize / reference;
            return power switch
            {
                0.0 => 1.0,
                1.0 => ratio,
                0.5 => Math.Sqrt(ratio),
                _ => Math.Pow(ratio, power),
            };
        }
    }
}
