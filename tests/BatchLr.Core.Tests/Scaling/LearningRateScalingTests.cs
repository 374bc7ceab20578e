using System;
using BatchLr.Feedback;
using BatchLr.Scaling;

namespace BatchLr.Core.Tests.Scaling;

public class LearningRateScalingTests
{
    [Theory]
    [InlineData(256, 1.0)]
    [InlineData(512, 2.0)]
    [InlineData(8192, 32.0)]
    [InlineData(128, 0.5)]
    public void Linear_FactorIsBatchOverReference(int batch, double expected)
    {
        LearningRateScaling.Linear(256).GetFactor(batch, GradientNoise.Unknown).Should().Be(expected);
    }

    [Theory]
    [InlineData(256, 1.0)]
    [InlineData(1024, 2.0)]
    [InlineData(64, 0.5)]
    public void SquareRoot_FactorIsRootOfBatchOverReference(int batch, double expected)
    {
        LearningRateScaling.SquareRoot(256).GetFactor(batch, GradientNoise.Unknown).Should().Be(expected);
    }

    [Fact]
    public void None_IsAlwaysOne()
    {
        LearningRateScaling.None.GetFactor(1, GradientNoise.Unknown).Should().Be(1.0);
        LearningRateScaling.None.GetFactor(65_536, GradientNoise.Unknown).Should().Be(1.0);
    }

    [Fact]
    public void Linear_ZeroReference_Throws()
    {
        var act = () => LearningRateScaling.Linear(0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("referenceBatchSize");
    }

    [Fact]
    public void GetFactor_ZeroBatch_Throws()
    {
        var act = () => LearningRateScaling.SquareRoot(32).GetFactor(0, GradientNoise.Unknown);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("batchSize").WithMessage("*0*1 or more*");
    }
}

public class AdaScaleTests
{
    [Fact]
    public void GetFactor_PureNoise_ApproachesLinearScaling()
    {
        // μ² → 0: r = σ² / (σ²/S) = S.
        var noise = new GradientNoise(1e-12, 1e6);

        LearningRateScaling.AdaScale(32).GetFactor(256, noise).Should().BeApproximately(8.0, 1e-6);
    }

    [Fact]
    public void GetFactor_NoNoise_StaysAtOne()
    {
        // σ² → 0: r = μ² / μ² = 1.
        var noise = new GradientNoise(5.0, 1e-12);

        LearningRateScaling.AdaScale(32).GetFactor(256, noise).Should().BeApproximately(1.0, 1e-9);
    }

    [Fact]
    public void GetFactor_MatchesGainRatioFormula()
    {
        // tr(Σ) = 64, |G|² = 0.5, B_ref = 16 → σ² = 4; S = 64 / 16 = 4: r = (4 + 0.5) / (4 / 4 + 0.5) = 3.
        var noise = new GradientNoise(0.5, 64);

        LearningRateScaling.AdaScale(16).GetFactor(64, noise).Should().BeApproximately(3.0, 1e-15);
        LearningRateScaling.AdaScale(16).ScalesProgress.Should().BeTrue();
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(1e-320)]
    [InlineData(0.0)]
    [InlineData(-1e-300)]
    [InlineData(-4.0)]
    public void GetFactor_GradientSquaredNormAtOrNearZero_IsTheScale(double gradientSquaredNorm)
    {
        // r = (σ² + μ²) / (σ²/S + μ²) → S as μ² → 0, with S = 256 / 32 = 8; a negative smoothed |G|² is clamped at 0,
        // so the gain is continuous through 0 instead of dropping to 1.
        var noise = new GradientNoise(gradientSquaredNorm, 1e6);

        LearningRateScaling.AdaScale(32).GetFactor(256, noise).Should().Be(8.0);
    }

    [Fact]
    public void GetFactor_ZeroGradientSquaredNorm_BelowTheReference_IsTheScale()
    {
        // S = 16 / 64 = 0.25: in the pure-noise limit the gain is S on either side of the reference.
        LearningRateScaling.AdaScale(64).GetFactor(16, new GradientNoise(0.0, 5.0)).Should().Be(0.25);
    }

    [Fact]
    public void GetFactor_UnknownNoise_IsOne()
    {
        LearningRateScaling.AdaScale(16).GetFactor(1024, GradientNoise.Unknown).Should().Be(1.0);
    }
}
