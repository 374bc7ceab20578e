using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Feedback;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp;

/// <summary>Measures the gradient noise scale of a model at its current weights (McCandlish et al. 2018), from the micro-batch gradients of a few steps.</summary>
public static class GradientNoiseFinder
{
    /// <summary>Accumulates the gradients of a few steps' micro-batches, without an optimizer step, and estimates the noise scale from their norms.</summary>
    /// <param name="model">The model; its parameters that require a gradient are measured. Its weights are not changed.</param>
    /// <param name="microBatchLoss">
    /// Runs the forward pass on micro-batch <c>microBatch</c> (0-based) of step <c>step</c> (0-based) and returns its scalar
    /// loss, the mean over its <see cref="GradientNoiseFinderOptions.MicroBatchSize"/> samples. The micro-batches should
    /// be independent draws from the training data, a different one for every pair. Each call runs in a dispose scope, so
    /// the tensors made during it are disposed when its backward pass is done.
    /// </param>
    /// <param name="options">The micro-batch size, micro-batches per step and steps.</param>
    /// <returns>Each step's squared gradient norms, the estimates, the noise scale and the batch size it suggests.</returns>
    /// <remarks>
    /// <para>
    /// Each step clears the gradients, then runs the backward pass of each of its <c>k</c> micro-batch losses in turn,
    /// unweighted, so the gradients add up. With <c>m</c> samples per micro-batch, the squared norm read after the first
    /// backward pass is that of the first micro-batch's mean gradient, <c>|g_m|²</c>, and the squared norm <c>S</c> read after
    /// the last is that of the sum of the <c>k</c> mean gradients, so the mean gradient over the step's <c>B = k · m</c>
    /// samples has <c>|g_B|² = S / k²</c>. No backward pass is added for the measurement. The norms are summed over all
    /// measured parameters, in double precision.
    /// </para>
    /// <para>
    /// Each step's <see cref="GradientStatistics"/> <c>(m, |g_m|², B, |g_B|²)</c> goes to a <see cref="GradientNoiseEstimator"/>
    /// with the options' decay, which forms the unbiased estimates <c>|G|² ≈ (B·|g_B|² - m·|g_m|²) / (B - m)</c> and
    /// <c>tr(Σ) ≈ (|g_m|² - |g_B|²) / (1/m - 1/B)</c> (McCandlish et al. 2018, Appendix A) and averages each over the steps
    /// with bias correction; the noise scale is the ratio of the averages.
    /// </para>
    /// <para>
    /// The gradients are cleared (set to none, as <c>Module.zero_grad</c> does) before the first step and at the end, also when
    /// <paramref name="microBatchLoss"/> throws. The model's training mode is left as it is: measure in the mode you train in.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="microBatchLoss"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> breaks a rule (the message lists every broken rule), or the model has no parameter that requires a gradient; nothing was run.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="microBatchLoss"/> returned <see langword="null"/>, a tensor of more than one element or a loss that does not
    /// require a gradient, or a step's gradients were NaN or infinite; the gradients were cleared.
    /// </exception>
    public static GradientNoiseMeasurement Measure(nn.Module model, Func<int, int, Tensor> microBatchLoss, GradientNoiseFinderOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(microBatchLoss);
        ArgumentNullException.ThrowIfNull(options);
        GradientNoiseFinderOptions settings = options.Validated(nameof(options));
        Parameter[] parameters = [.. model.parameters().Where(p => p.requires_grad)];
        if (parameters.Length == 0)
        {
            throw new ArgumentException("'model' has no parameter that requires a gradient; it must have at least one to measure.", nameof(model));
        }

        return MeasureCore(model, parameters, microBatchLoss, settings);
    }

    private static GradientNoiseMeasurement MeasureCore(nn.Module model, Parameter[] parameters, Func<int, int, Tensor> microBatchLoss, GradientNoiseFinderOptions settings)
    {
        int m = settings.MicroBatchSize;
        int k = settings.MicroBatches;
        var estimator = new GradientNoiseEstimator(settings.Decay);
        var statistics = new GradientStatistics[settings.Steps];
        try
        {
            for (int step = 0; step < statistics.Length; step++)
            {
                model.zero_grad();
                double first = 0;
                for (int micro = 0; micro < k; micro++)
                {
                    Backward(microBatchLoss, step, micro);
                    if (micro == 0)
                    {
                        first = SquaredNorm(parameters);
                    }
                }

                double sum = SquaredNorm(parameters);
                if (!double.IsFinite(first) || !double.IsFinite(sum))
                {
                    throw new InvalidOperationException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The gradients of step {step} are not finite (squared norms {first:R} after the first micro-batch, {sum:R} after the last); the loss must be finite and differentiable at the model's weights. The gradients were cleared."));
                }

                statistics[step] = new GradientStatistics(m, first, k * m, sum / ((double)k * k));
                estimator.Observe(statistics[step]);
            }
        }
        finally
        {
            model.zero_grad();
        }

        GradientNoise noise = estimator.Current;
        BatchSizeConstraints constraints = settings.Constraints;
        int suggested = constraints.Apply(Math.Clamp(noise.NoiseScale, constraints.LowestAllowed, constraints.HighestAllowed));
        if (settings.Logger is { } logger)
        {
            FinderLog.GradientNoiseMeasured(logger, statistics.Length, noise.GradientSquaredNorm, noise.CovarianceTrace, noise.NoiseScale, suggested);
        }

        return new GradientNoiseMeasurement(statistics, noise, suggested);
    }

    private static void Backward(Func<int, int, Tensor> microBatchLoss, int step, int micro)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor loss = microBatchLoss(step, micro) ?? throw new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"'microBatchLoss' returned null for step {step}, micro-batch {micro}; it must return the micro-batch's scalar mean loss. The gradients were cleared."));
        if (loss.numel() != 1)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"'microBatchLoss' returned a tensor of shape [{string.Join(", ", loss.shape)}] for step {step}, micro-batch {micro}; it must return the micro-batch's scalar mean loss, one element. The gradients were cleared."));
        }

        if (!loss.requires_grad)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"'microBatchLoss' returned a loss that does not require a gradient for step {step}, micro-batch {micro}; it must be computed from the model's parameters. The gradients were cleared."));
        }

        loss.backward();
    }

    // Σ over parameters of |grad|², each summed in double precision; a parameter the loss did not reach adds 0.
    private static double SquaredNorm(Parameter[] parameters)
    {
        using DisposeScope scope = NewDisposeScope();
        double total = 0;
        foreach (Parameter parameter in parameters)
        {
            Tensor? gradient = parameter.grad;
            if (gradient is not null)
            {
                total += gradient.to_type(ScalarType.Float64).square().sum().ToDouble();
            }
        }

        return total;
    }
}
