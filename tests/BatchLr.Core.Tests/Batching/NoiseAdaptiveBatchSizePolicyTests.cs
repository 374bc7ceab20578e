using System;
using System.Linq;
using BatchLr.Batching;
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
}
