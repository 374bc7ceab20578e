using BatchLr.Feedback;

namespace BatchLr.Core.Tests.Feedback;

public class GradientNoiseTests
{
    [Fact]
    public void NoiseScale_ZeroGradientSquaredNorm_IsPositiveInfinity()
    {
        // B_simple = tr(Σ) / |G|² → +∞ as |G|² → 0: the noise-dominated limit, not a missing estimate.
        var noise = new GradientNoise(0.0, 3.0);

        noise.IsKnown.Should().BeTrue();
        noise.NoiseScale.Should().Be(double.PositiveInfinity);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(-1e-300)]
    [InlineData(-0.0)]
    public void Constructor_NegativeGradientSquaredNorm_IsStoredAsZero(double negative)
    {
        // adaptdl clamps |G|² at 0; -0.0 too, so the ratio is +∞ and never -∞.
        var noise = new GradientNoise(negative, 3.0);

        noise.GradientSquaredNorm.Should().Be(0.0);
        double.IsNegative(noise.GradientSquaredNorm).Should().BeFalse();
        noise.IsKnown.Should().BeTrue();
        noise.NoiseScale.Should().Be(double.PositiveInfinity);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    public void Constructor_TraceAtOrBelowZero_IsStoredAsTheFloor_AndTheNoiseScaleVanishes(double trace)
    {
        // tr(Σ) is floored at the smallest positive double: with |G|² = 1 the noise scale is that floor, effectively 0.
        var noise = new GradientNoise(1.0, trace);

        noise.CovarianceTrace.Should().Be(double.Epsilon).And.Be(GradientNoise.MinimumCovarianceTrace);
        noise.NoiseScale.Should().Be(double.Epsilon);
    }

    [Fact]
    public void NoiseScale_BothEstimatesZero_IsTheNoiseDominatedLimit()
    {
        // Both vanish: the floor decides, ε / 0 = +∞, as adaptdl's variance floor makes its gain the full scale.
        new GradientNoise(0.0, 0.0).NoiseScale.Should().Be(double.PositiveInfinity);
    }

    [Theory]
    [InlineData(double.NaN, 1.0)]
    [InlineData(1.0, double.NaN)]
    [InlineData(double.PositiveInfinity, 1.0)]
    [InlineData(1.0, double.PositiveInfinity)]
    public void IsKnown_NonFiniteEstimate_IsFalse_AndTheNoiseScaleIsNaN(double gradient, double trace)
    {
        var noise = new GradientNoise(gradient, trace);

        noise.IsKnown.Should().BeFalse();
        double.IsNaN(noise.NoiseScale).Should().BeTrue();
    }

    [Fact]
    public void Unknown_IsNotKnown()
    {
        GradientNoise.Unknown.IsKnown.Should().BeFalse();
        double.IsNaN(GradientNoise.Unknown.GradientSquaredNorm).Should().BeTrue();
    }
}
