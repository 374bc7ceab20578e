using System;
using System.Linq;
using System.Text.Json;
using BatchLr.Feedback;

namespace BatchLr.Core.Tests.Feedback;

public class GradientNoiseEstimatorTests
{
    private static SyntheticGradients Gradients(int seed)
    {
        // |G|² = 20 · 0.05² · ... chosen so that B_simple = tr(Σ) / |G|² = 40 / 0.2 = 200.
        double[] mean = Enumerable.Repeat(Math.Sqrt(0.2 / 20), 20).ToArray();
        double[] variance = Enumerable.Range(0, 20).Select(i => i < 10 ? 1.0 : 3.0).ToArray();
        return new SyntheticGradients(mean, variance, seed);
    }

    [Fact]
    public void Current_AfterManySteps_IsWithinFivePercentOfTrueNoiseScale()
    {
        var gradients = Gradients(seed: 1);
        var estimator = new GradientNoiseEstimator(decay: 0.999);

        for (int step = 0; step < 20_000; step++)
        {
            var (small, large) = gradients.Draw(32, 256);
            estimator.Observe(new GradientStatistics(32, small, 256, large));
        }

        double truth = gradients.TrueTrace / gradients.TrueGradientSquaredNorm;
        truth.Should().BeApproximately(200, 1e-9);
        estimator.Current.NoiseScale.Should().BeApproximately(truth, 0.05 * truth);
    }

    [Fact]
    public void PerStepEstimates_AreUnbiasedAcrossSeeds()
    {
        // Averaged over many independent seeds, one step's estimates of |G|² and tr(Σ) match the truth:
        // with decay 0 the state holds exactly the last step's raw estimates (Current clamps them, which would bias the mean).
        const int Seeds = 4000;
        double gradientSum = 0;
        double traceSum = 0;
        SyntheticGradients? last = null;
        for (int seed = 0; seed < Seeds; seed++)
        {
            last = Gradients(seed + 100);
            var estimator = new GradientNoiseEstimator(decay: 0.0);
            var (small, large) = last.Draw(16, 128);
            estimator.Observe(new GradientStatistics(16, small, 128, large));
            gradientSum += estimator.State.GradientSquaredNormAverage;
            traceSum += estimator.State.CovarianceTraceAverage;
        }

        (gradientSum / Seeds).Should().BeApproximately(last!.TrueGradientSquaredNorm, 0.05 * last.TrueGradientSquaredNorm);
        (traceSum / Seeds).Should().BeApproximately(last.TrueTrace, 0.05 * last.TrueTrace);
    }

    [Fact]
    public void Observe_ExactExpectations_RecoversBothQuantities()
    {
        // Feed E|g_b|² = |G|² + tr/b exactly: |G|² = 2, tr = 64, b = 8, B = 64 → 10 and 3.
        var estimator = new GradientNoiseEstimator(decay: 0.5);

        estimator.Observe(new GradientStatistics(8, 2 + (64.0 / 8), 64, 2 + (64.0 / 64)));

        estimator.Current.GradientSquaredNorm.Should().BeApproximately(2, 1e-12);
        estimator.Current.CovarianceTrace.Should().BeApproximately(64, 1e-12);
        estimator.Current.NoiseScale.Should().BeApproximately(32, 1e-12);
    }

    [Fact]
    public void Current_BeforeAnyObservation_IsUnknown()
    {
        var estimator = new GradientNoiseEstimator();

        estimator.Current.IsKnown.Should().BeFalse();
        double.IsNaN(estimator.Current.NoiseScale).Should().BeTrue();
    }

    [Fact]
    public void Current_NegativeGradientEstimate_IsKnownWithZeroNormAndInfiniteNoiseScale_WhileTheAverageStaysRaw()
    {
        // b = 8, B = 64, |g_b|² = 16, |g_B|² = 1: |G|² ≈ (64 · 1 - 8 · 16) / 56 = -8/7 and tr(Σ) ≈ 15 / (1/8 - 1/64) = 960/7.
        var estimator = new GradientNoiseEstimator(decay: 0.5);

        estimator.Observe(new GradientStatistics(8, 16, 64, 1));

        estimator.Current.IsKnown.Should().BeTrue();
        estimator.Current.GradientSquaredNorm.Should().Be(0.0);
        estimator.Current.CovarianceTrace.Should().BeApproximately(960.0 / 7, 1e-12);
        estimator.Current.NoiseScale.Should().Be(double.PositiveInfinity);

        // The average keeps the raw estimate, (1 - 0.5) · (-8/7), so a later positive one is not biased upward.
        estimator.State.GradientSquaredNormAverage.Should().BeApproximately(-4.0 / 7, 1e-12);
    }

    [Fact]
    public void DefaultDecay_IsThePlannersDefault()
    {
        GradientNoiseEstimator.DefaultDecay.Should().Be(0.999);
        new TrainingPlannerOptions().NoiseDecay.Should().Be(GradientNoiseEstimator.DefaultDecay);
    }

    [Fact]
    public void State_RoundTripsThroughJson_AndContinuesIdentically()
    {
        var gradients = Gradients(seed: 5);
        var draws = Enumerable.Range(0, 300).Select(_ => gradients.Draw(32, 256)).ToArray();
        var straight = new GradientNoiseEstimator();
        var resumed = new GradientNoiseEstimator();
        for (int i = 0; i < draws.Length; i++)
        {
            straight.Observe(new GradientStatistics(32, draws[i].Small, 256, draws[i].Large));
            resumed.Observe(new GradientStatistics(32, draws[i].Small, 256, draws[i].Large));
            string json = JsonSerializer.Serialize(resumed.State);
            resumed = new GradientNoiseEstimator(GradientNoiseEstimator.DefaultDecay, JsonSerializer.Deserialize<GradientNoiseEstimatorState>(json));
            resumed.Current.Should().Be(straight.Current);
        }
    }

    [Fact]
    public void Observe_LargeNotLargerThanSmall_ThrowsAndKeepsState()
    {
        var estimator = new GradientNoiseEstimator();
        estimator.Observe(new GradientStatistics(8, 3, 64, 1));
        var before = estimator.State;

        var act = () => estimator.Observe(new GradientStatistics(8, 3, 8, 1));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("statistics.LargeBatchSize").WithMessage("*8*greater than SmallBatchSize, 8*");
        estimator.State.Should().Be(before);
    }

    [Fact]
    public void Observe_NormsThatOverflowTheEstimates_ThrowsAndKeepsState()
    {
        var estimator = new GradientNoiseEstimator();
        estimator.Observe(new GradientStatistics(8, 3, 64, 1));
        var before = estimator.State;

        // (2 · 1e308 - 1 · 1e308) / (2 - 1) is fine, but B·|g_B|² = 2e308 overflows to infinity.
        var act = () => estimator.Observe(new GradientStatistics(1, 1e308, 2, 1e308));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("statistics").WithMessage("*overflow*unchanged*");
        estimator.State.Should().Be(before);
    }

    [Fact]
    public void Observe_NaNNorm_Throws()
    {
        var act = () => new GradientNoiseEstimator().Observe(new GradientStatistics(8, double.NaN, 64, 1));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("statistics.SmallBatchSquaredNorm");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Constructor_DecayOutOfRange_Throws(double decay)
    {
        var act = () => new GradientNoiseEstimator(decay);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(decay));
    }
}
