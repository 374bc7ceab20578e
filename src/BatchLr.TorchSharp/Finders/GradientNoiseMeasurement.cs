using System;
using System.Collections.Generic;
using BatchLr.Feedback;

namespace BatchLr.TorchSharp;

/// <summary>Holds a measurement of a model's gradient noise at its current weights: each step's gradient norms, the estimates, and the batch size they suggest.</summary>
public sealed class GradientNoiseMeasurement
{
    internal GradientNoiseMeasurement(GradientStatistics[] statistics, GradientNoise noise, int suggestedBatchSize)
    {
        Statistics = Array.AsReadOnly(statistics);
        Noise = noise;
        SuggestedBatchSize = suggestedBatchSize;
    }

    /// <summary>Gets each step's squared norms: of the first micro-batch's mean gradient, and of the mean gradient over all the step's micro-batches.</summary>
    public IReadOnlyList<GradientStatistics> Statistics { get; }

    /// <summary>Gets the estimates of <c>|G|²</c> and <c>tr(Σ)</c>: a <see cref="GradientNoiseEstimator"/>'s, after it observed every step, clamped as <see cref="GradientNoise"/> states.</summary>
    public GradientNoise Noise { get; }

    /// <summary>Gets the simple noise scale <c>B_simple = tr(Σ) / |G|²</c> (McCandlish et al. 2018).</summary>
    /// <value>Zero or more; <see cref="double.PositiveInfinity"/> when the estimate of <c>|G|²</c> is zero, the noise-dominated limit.</value>
    public double NoiseScale => Noise.NoiseScale;

    /// <summary>Gets the batch size the noise scale suggests: the allowed size nearest to <c>B_simple</c>.</summary>
    /// <value>
    /// <c>Constraints.Apply(clamp(B_simple, Constraints.LowestAllowed, Constraints.HighestAllowed))</c>; a noise scale of
    /// <see cref="double.PositiveInfinity"/> gives the largest allowed size.
    /// </value>
    /// <remarks>
    /// McCandlish et al. (2018) find that <c>B_simple</c> approximates the critical batch size: below it a larger batch
    /// cuts the steps to a given loss almost in proportion, above it it mostly adds computation. The noise scale grows as
    /// training progresses, so a measurement at the start of training suggests a starting batch.
    /// </remarks>
    public int SuggestedBatchSize { get; }
}
