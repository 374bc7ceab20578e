using System;
using BatchLr.Feedback;
using BatchLr.Scaling;
using CsCheck;

namespace BatchLr.Core.Tests.Scaling;

/// <summary>Properties of every scaling rule over generated reference batches, batches and gradient noise.</summary>
public class LearningRateScalingPropertyTests
{
    private static readonly Gen<int> Batch = Gen.OneOf(Gen.Int[1, 4096], Gen.Int[1, int.MaxValue], Gen.OneOf(1, int.MaxValue));

    /// <summary>Noise estimates: unknown, ordinary, and at the edges the estimator can produce (|G|² at or below 0, a tiny trace).</summary>
    private static readonly Gen<GradientNoise> Noise = Gen.OneOf(
        Gen.Const(GradientNoise.Unknown),
        Gen.Select(Gen.Double[1e-12, 1e6], Gen.Double[GradientNoise.MinimumCovarianceTrace, 1e9]).Select((g, t) => new GradientNoise(g, t)),
        Gen.Select(Gen.OneOf(0.0, -1.0, 1e-320, 1e300), Gen.OneOf(GradientNoise.MinimumCovarianceTrace, 1.0, 1e300)).Select((g, t) => new GradientNoise(g, t)));

    [Fact]
    public void Linear_AnyBatch_IsBatchOverReference()
    {
        // Goyal et al. 2017: factor(B) = B / B_ref, exactly (both are whole numbers below 2^31, so the quotient is one rounding).
        Gen.Select(Batch, Batch, Noise).Sample((reference, batch, noise) =>
            LearningRateScaling.Linear(reference).GetFactor(batch, noise).Should().Be((double)batch / reference));
    }

    [Fact]
    public void SquareRoot_AnyBatch_IsRootOfBatchOverReference()
    {
        Gen.Select(Batch, Batch, Noise).Sample((reference, batch, noise) =>
            LearningRateScaling.SquareRoot(reference).GetFactor(batch, noise).Should().Be(Math.Sqrt((double)batch / reference)));
    }

    [Fact]
    public void None_AnyBatch_IsOne()
    {
        Gen.Select(Batch, Noise).Sample((batch, noise) => LearningRateScaling.None.GetFactor(batch, noise).Should().Be(1.0));
    }

    [Fact]
    public void AdaScale_AnyBatchAndNoise_IsFiniteAndBetweenOneAndTheScale()
    {
        // Johnson et al. 2020: r = (σ² + μ²) / (σ²/S + μ²) lies between 1 and S = B / B_ref whatever σ² ≥ 0 and μ² ≥ 0 are;
        // before the noise is known the factor is 1.
        Gen.Select(Batch, Batch, Noise).Sample((reference, batch, noise) =>
        {
            double factor = LearningRateScaling.AdaScale(reference).GetFactor(batch, noise);
            double scale = (double)batch / reference;
            double.IsFinite(factor).Should().BeTrue();
            double slack = 1e-12 * Math.Max(1, scale);
            factor.Should().BeInRange(Math.Min(1, scale) - slack, Math.Max(1, scale) + slack, "B {0}, B_ref {1}, noise {2}", batch, reference, noise);
            if (!noise.IsKnown)
            {
                factor.Should().Be(1.0);
            }
        });
    }

    [Fact]
    public void Factories_ReferenceBelowOne_ThrowNamingReferenceBatchSize()
    {
        Gen.Select(Gen.Int[int.MinValue, 0], Gen.Int[0, 2]).Sample((reference, rule) =>
        {
            Action act = rule switch
            {
                0 => () => LearningRateScaling.Linear(reference),
                1 => () => LearningRateScaling.SquareRoot(reference),
                _ => () => LearningRateScaling.AdaScale(reference),
            };
            act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("referenceBatchSize")
                .WithMessage("'referenceBatchSize' is " + reference.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; it must be*");
        });
    }

    [Fact]
    public void GetFactor_BatchBelowOne_ThrowsNamingBatchSize()
    {
        Gen.Select(Gen.Int[int.MinValue, 0], Gen.Int[0, 3]).Sample((batch, rule) =>
        {
            ILearningRateScaling scaling = rule switch
            {
                0 => LearningRateScaling.Linear(32),
                1 => LearningRateScaling.SquareRoot(32),
                2 => LearningRateScaling.AdaScale(32),
                _ => LearningRateScaling.None,
            };
            var act = () => scaling.GetFactor(batch, GradientNoise.Unknown);
            act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("batchSize")
                .WithMessage("'batchSize' is " + batch.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; it must be 1 or more*");
        });
    }
}
