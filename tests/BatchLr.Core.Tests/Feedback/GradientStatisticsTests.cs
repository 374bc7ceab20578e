using System;
using BatchLr.Feedback;

namespace BatchLr.Core.Tests.Feedback;

public class GradientStatisticsTests
{
    [Fact]
    public void FromMicroBatches_UnevenSplit_DividesTheFirstNormBySquaredLossWeight()
    {
        // 100 samples, micro-batch limit 40: 3 micro-batches of 34, 34 and 32. The first loss is scaled by w₀ = 34/100,
        // so a mean gradient of squared norm 5 leaves 0.34² · 5 = 0.578 in the buffer.
        var plan = BatchPlan.Create(100, 40);

        GradientStatistics? statistics = GradientStatistics.FromMicroBatches(plan, 0.578, 1.5);

        statistics.Should().NotBeNull();
        statistics!.Value.SmallBatchSize.Should().Be(34);
        statistics.Value.SmallBatchSquaredNorm.Should().BeApproximately(5.0, 1e-12);
        statistics.Value.LargeBatchSize.Should().Be(100);
        statistics.Value.LargeBatchSquaredNorm.Should().Be(1.5);
    }

    [Fact]
    public void FromMicroBatches_WithReplicas_PairsTheFirstMicroBatchWithTheReplicasBatch()
    {
        // 400 samples over 4 replicas: 100 each, limit 64 → 2 micro-batches of 50, w₀ = 1/2: 0.75 / (1/2)² = 3.
        var plan = BatchPlan.Create(400, 64, replicas: 4);

        GradientStatistics? statistics = GradientStatistics.FromMicroBatches(plan, 0.75, 0.4);

        statistics.Should().Be(new GradientStatistics(50, 3.0, 100, 0.4));
    }

    [Fact]
    public void FromMicroBatches_OneMicroBatch_ReturnsNull()
    {
        // 32 samples fit in one micro-batch of up to 64: the two norms are of the same batch, which measures nothing.
        GradientStatistics.FromMicroBatches(BatchPlan.Create(32, 64), 2.0, 2.0).Should().BeNull();
    }

    [Fact]
    public void FromMicroBatches_ExactExpectations_LetTheEstimatorRecoverBothQuantities()
    {
        // E|g_m|² = |G|² + tr(Σ)/m with |G|² = 2, tr(Σ) = 64. Plan (100, limit 40): b = 34, B = 100, w₀ = 0.34.
        // The loop reads w₀² · (2 + 64/34) after the first micro-batch and 2 + 64/100 at the end.
        var plan = BatchPlan.Create(100, 40);
        var estimator = new GradientNoiseEstimator(decay: 0.0);

        estimator.Observe(GradientStatistics.FromMicroBatches(plan, 0.34 * 0.34 * (2 + (64.0 / 34)), 2 + (64.0 / 100))!.Value);

        estimator.Current.GradientSquaredNorm.Should().BeApproximately(2.0, 1e-9);
        estimator.Current.CovarianceTrace.Should().BeApproximately(64.0, 1e-9);
    }

    [Theory]
    [InlineData(-1.0, 1.0, "firstMicroBatchWeightedSquaredNorm")]
    [InlineData(double.NaN, 1.0, "firstMicroBatchWeightedSquaredNorm")]
    [InlineData(1.0, double.PositiveInfinity, "accumulatedSquaredNorm")]
    public void FromMicroBatches_BadNorm_ThrowsNamingIt(double first, double accumulated, string parameter)
    {
        var act = () => GradientStatistics.FromMicroBatches(BatchPlan.Create(100, 40), first, accumulated);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter).WithMessage("*finite number zero or more*");
    }

    [Fact]
    public void FromMicroBatches_DefaultPlan_Throws()
    {
        var act = () => GradientStatistics.FromMicroBatches(default, 1.0, 1.0);

        act.Should().Throw<ArgumentException>().WithParameterName("plan").WithMessage("*BatchPlan.Create*");
    }
}
