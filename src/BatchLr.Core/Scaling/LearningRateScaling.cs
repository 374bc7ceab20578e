using System;
using BatchLr.Feedback;
using BatchLr.Internal;

namespace BatchLr.Scaling;

/// <summary>Creates the learning-rate scaling rules applied when the batch size changes.</summary>
/// <remarks>The rules are immutable: one instance may serve any number of threads and planners.</remarks>
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

    /// <summary>Creates AdaScale (Johnson et al. 2020): the gain ratio from gradient statistics scales the learning rate and advances the schedule.</summary>
    /// <param name="referenceBatchSize">The batch the schedule was tuned for; 1 or more.</param>
    /// <returns>
    /// The rule <c>r = (σ² + μ²) / (σ²/S + μ²)</c> with <c>S = B / B_ref</c>, <c>σ² = tr(Σ) / B_ref</c> and <c>μ² = |G|²</c>;
    /// <c>r</c> lies in <c>[1, S]</c> for <c>S ≥ 1</c>. Before the noise is known the factor is 1.
    /// The schedule's progress advances by <c>r</c> per step (<see cref="ILearningRateScaling.ScalesProgress"/>).
    /// </returns>
    /// <remarks>
    /// The gain is computed from the noise scale <c>φ = tr(Σ) / |G|²</c> as <c>r = (1 + φ / B_ref) / (1 + φ / B)</c>, the same
    /// ratio divided through by <c>μ²</c>. When <c>|G|²</c> is 0 (<see cref="GradientNoise"/> clamps a negative estimate
    /// there), <c>φ = +∞</c> and the factor is its limit <c>S</c>, so the gain is continuous as <c>|G|² → 0</c>, as in
    /// adaptdl, which clamps <c>|G|²</c> at 0 and the variance from below.
    /// </remarks>
    public static ILearningRateScaling AdaScale(int referenceBatchSize)
    {
        Guard.Positive(referenceBatchSize);
        return new AdaScaleScaling(referenceBatchSize);
    }

    /// <summary>Returns the largest factor a rule of this class gives at batches up to <paramref name="largestBatch"/>, or NaN for a rule it does not know.</summary>
    /// <param name="scaling">The rule.</param>
    /// <param name="largestBatch">The largest batch the policy allows; 1 or more.</param>
    /// <returns>The rule's factor at the largest batch (AdaScale's bound <c>S</c> there), at least 1; NaN for a user's rule.</returns>
    internal static double MaxFactor(ILearningRateScaling scaling, int largestBatch) => scaling switch
    {
        PowerScaling power => Math.Max(1.0, power.GetFactor(largestBatch, GradientNoise.Unknown)),
        AdaScaleScaling ada => Math.Max(1.0, (double)largestBatch / ada.Reference),
        _ => double.NaN,
    };

    private static void CheckBatch(int batchSize)
    {
        if (batchSize < 1)
        {
            throw Guard.OutOfRange(nameof(batchSize), batchSize, "1 or more");
        }
    }

    private sealed class PowerScaling(int reference, double power) : ILearningRateScaling
    {
        public bool ScalesProgress => false;

        public double GetFactor(int batchSize, in GradientNoise noise)
        {
            CheckBatch(batchSize);
            double ratio = (double)batchSize / reference;
            return power switch
            {
                0.0 => 1.0,
                1.0 => ratio,
                _ => Math.Sqrt(ratio),
            };
        }
    }

    private sealed class AdaScaleScaling(int reference) : ILearningRateScaling
    {
        public bool ScalesProgress => true;

        public int Reference => reference;

        public double GetFactor(int batchSize, in GradientNoise noise)
        {
            CheckBatch(batchSize);
            if (!noise.IsKnown)
            {
                return 1.0;
            }

            // r = (σ² + μ²) / (σ²/S + μ²) divided through by μ²; φ = +∞ (μ² = 0) is the limit r = S.
            double phi = noise.NoiseScale;
            return double.IsPositiveInfinity(phi)
                ? (double)batchSize / reference
                : (1.0 + (phi / reference)) / (1.0 + (phi / batchSize));
        }
    }
}
