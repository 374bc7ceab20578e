using System;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Core.Tests.Feedback;
using BatchLr.Feedback;

namespace BatchLr.Core.Tests.Batching;

public class NoiseAdaptiveBatchSizePolicyTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(-3.0)]
    public void Observe_VanishingGradientSquaredNorm_GrowsTowardTheMaximumByTheFactor(double gradientSquaredNorm)
    {
        // |G|² ≤ 0 means B_simple = +∞: the target is the maximum, 1000, reached by doublings 32 → 64 → … → 512, then 1000.
        var policy = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 1, Constraints = new BatchSizeConstraints(maximum: 1000) });
        var noise = new GradientNoise(gradientSquaredNorm, 50.0);

        int[] sizes = Enumerable.Range(0, 7).Select(step =>
        {
            policy.Observe(new BatchFeedback(TrainingProgress.AtStep(step), BatchPlan.Create(policy.GetBatchSize(default), int.MaxValue)) { Noise = noise });
            return policy.GetBatchSize(default);
        }).ToArray();

        sizes.Should().Equal(64, 128, 256, 512, 1000, 1000, 1000);
    }

    [Fact]
    public void Observe_VanishingTrace_ShrinksTowardTheMinimumByTheFactor()
    {
        // tr(Σ) ≤ 0 is floored at ε, so B_simple ≈ 0: the target is the minimum, 24, reached by halvings 200 → 100 → 50 → 25 → 24.
        var policy = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 200, UpdateInterval = 1, Constraints = new BatchSizeConstraints(minimum: 24) });
        var noise = new GradientNoise(2.0, -1.0);

        int[] sizes = Enumerable.Range(0, 5).Select(step =>
        {
            policy.Observe(new BatchFeedback(TrainingProgress.AtStep(step), BatchPlan.Create(policy.GetBatchSize(default), int.MaxValue)) { Noise = noise });
            return policy.GetBatchSize(default);
        }).ToArray();

        sizes.Should().Equal(100, 50, 25, 24, 24);
    }

    [Fact]
    public void Observe_GaussianGradientsOfKnownNoiseScale_SettlesInsideTheBandTheEstimatorsVarianceAllows()
    {
        // Per-sample gradients μ + ε, ε ~ N(0, s·I) in d = 50 coordinates with μᵢ² = 0.001 and s = 1:
        // |G|² = 0.05, tr(Σ) = 50, B_simple = 1000. Four replicas: the small batch is one replica's B/4, the large the global B.
        const int Dimensions = 50;
        const double MeanSquared = 0.001;
        const double Variance = 1.0;
        const double Truth = Dimensions * Variance / (Dimensions * MeanSquared);
        var gradients = new SyntheticGradients(
            Enumerable.Repeat(Math.Sqrt(MeanSquared), Dimensions).ToArray(),
            Enumerable.Repeat(Variance, Dimensions).ToArray(),
            seed: 11);
        var estimator = new GradientNoiseEstimator();
        var policy = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 64, Constraints = new BatchSizeConstraints(replicas: 4) });

        // The band: one step's estimates (b = B/4, B = B_simple) have, per coordinate,
        //   Var|G|² = 4μ²s/(B-b) + 4s²/(B(B-b)),  Var tr = 4μ²s·bB/(B-b) + 2s²(B+b)/(B-b),
        //   Cov = -4μ²s·b/(B-b) - 2s²(B+b)/(B(B-b)),
        // (exact for Gaussian gradients), so by the delta method the ratio's relative variance per step is
        // Var|G|²/|G|⁴ + Var tr/tr² - 2·Cov/(|G|²·tr) ≈ 0.493. The moving average of independent steps divides it by
        // (1 + β)/(1 - β) = 1999 at the default β = 0.999: σ ≈ 1.6 %. Five σ, plus one granularity step of 4 for the
        // rounding, is the band (±8 %, well inside a factor of 2); at β = 0.95 σ would be 11 %.
        double big = Truth;
        double small = big / 4;
        double g2 = Dimensions * MeanSquared;
        double tr = Dimensions * Variance;
        double varG = Dimensions * ((4 * MeanSquared * Variance / (big - small)) + (4 * Variance * Variance / (big * (big - small))));
        double varT = Dimensions * ((4 * MeanSquared * Variance * small * big / (big - small)) + (2 * Variance * Variance * (big + small) / (big - small)));
        double cov = -Dimensions * ((4 * MeanSquared * Variance * small / (big - small)) + (2 * Variance * Variance * (big + small) / (big * (big - small))));
        double perStep = (varG / (g2 * g2)) + (varT / (tr * tr)) - (2 * cov / (g2 * tr));
        double beta = GradientNoiseEstimator.DefaultDecay;
        double sigma = Math.Sqrt(perStep * (1 - beta) / (1 + beta));
        sigma.Should().BeInRange(0.015, 0.017);
        double lower = (Truth * (1 - (5 * sigma))) - 4;
        double upper = (Truth * (1 + (5 * sigma))) + 4;

        int lowest = int.MaxValue;
        int highest = 0;
        for (int step = 0; step < 30_000; step++)
        {
            int batch = policy.GetBatchSize(default);
            var (smallNorm, largeNorm) = gradients.Draw(batch / 4, batch);
            estimator.Observe(new GradientStatistics(batch / 4, smallNorm, batch, largeNorm));
            policy.Observe(new BatchFeedback(TrainingProgress.AtStep(step + 1), BatchPlan.Create(batch, int.MaxValue, 4)) { Noise = estimator.Current });

            // Burn-in: four doublings from 64 to about 1000, then five windows of 1/(1 - β) = 1000 steps.
            if (step >= 5_000)
            {
                lowest = Math.Min(lowest, policy.GetBatchSize(default));
                highest = Math.Max(highest, policy.GetBatchSize(default));
            }
        }

        lowest.Should().BeGreaterThanOrEqualTo((int)Math.Ceiling(lower));
        highest.Should().BeLessThanOrEqualTo((int)Math.Floor(upper));
    }
}
