using System;
using BatchLr.Internal;

namespace BatchLr.Feedback;

/// <summary>Estimates the gradient noise scale from gradient norms at two batch sizes (McCandlish et al. 2018, "An Empirical Model of Large-Batch Training", Appendix A).</summary>
/// <remarks>
/// <para>
/// The mean gradient over <c>B</c> samples satisfies <c>E|g_B|² = |G|² + tr(Σ) / B</c>. From one step's norms at a small batch
/// <c>b</c> and a large batch <c>B</c>, the unbiased estimates are
/// <c>|G|² ≈ (B·|g_B|² - b·|g_b|²) / (B - b)</c> and <c>tr(Σ) ≈ (|g_b|² - |g_B|²) / (1/b - 1/B)</c>.
/// Each is noisy, so each is smoothed separately with an exponential moving average (bias-corrected as Adam does),
/// and the noise scale is the ratio of the averages, not the average of ratios, which would be biased.
/// </para>
/// <para>
/// The averages are kept as they are, negative ones included, so one bad step does not bias later ones; they are
/// clamped only when read, as adaptdl does (<see cref="GradientNoise"/> states the rule). The estimates are known from
/// the first observation on.
/// </para>
/// <para>
/// The default decay, <see cref="DefaultDecay"/> = 0.999, is adaptdl's smoothing at scale 1 (a step of the initial batch): an average over
/// about <c>(1 + β) / (1 - β) ≈ 2,000</c> steps' worth of independent estimates, against about 39 at 0.95, whose
/// estimates let a noise-adaptive batch wander by a factor of 16 in a noise-dominated run. adaptdl raises 0.999 to the
/// power of the batch's ratio to the initial batch, keeping a memory constant in samples; this estimator keeps it
/// constant in steps instead, for two reasons. One step's relative error in <c>|G|²</c> is about
/// <c>2 · sqrt(tr(Σ²)) / tr(Σ) · B_simple / B</c> in the noise-dominated regime, so where a noise-adaptive batch settles,
/// <c>B ≈ B_simple</c>, it does not shrink as the batch grows, and adaptdl's window (about 31 steps at 32 times the
/// initial batch) would again be too short. And the estimator sees no initial batch to scale by.
/// </para>
/// <para>The whole state is <see cref="State"/>; restoring it continues the identical sequence.</para>
/// <para>Thread safety: an instance is not thread-safe; it follows one training loop. <see cref="State"/> is an immutable snapshot.</para>
/// </remarks>
public sealed class GradientNoiseEstimator
{
    /// <summary>The moving-average decay used when none is given, 0.999 (see the remarks of <see cref="GradientNoiseEstimator"/>).</summary>
    public const double DefaultDecay = 0.999;

    private readonly double _decay;
    private double _gradientAverage;
    private double _traceAverage;
    private long _observations;
    private GradientNoise _current = GradientNoise.Unknown;

    /// <summary>Initializes a new instance of the <see cref="GradientNoiseEstimator"/> class.</summary>
    /// <param name="decay">The moving-average decay <c>β</c>: each new estimate enters with weight <c>1 - β</c>; from 0 up to, not including, 1. The default is <see cref="DefaultDecay"/>, 0.999.</param>
    /// <param name="state">A saved state to continue from; <see langword="null"/> to start empty.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is out of range, or the state holds a non-finite average or a negative count.</exception>
    public GradientNoiseEstimator(double decay = DefaultDecay, GradientNoiseEstimatorState? state = null)
    {
        if (!(decay >= 0 && decay < 1))
        {
            throw Guard.OutOfRange(nameof(decay), decay, "from 0 up to, not including, 1");
        }

        _decay = decay;
        if (state is not null)
        {
            Guard.Finite(state.GradientSquaredNormAverage, "state.GradientSquaredNormAverage");
            Guard.Finite(state.CovarianceTraceAverage, "state.CovarianceTraceAverage");
            Guard.NotNegative(state.Observations, "state.Observations");
            _gradientAverage = state.GradientSquaredNormAverage;
            _traceAverage = state.CovarianceTraceAverage;
            _observations = state.Observations;
            Refresh();
        }
    }

    /// <summary>Gets the number of measurements observed.</summary>
    public long Observations => _observations;

    /// <summary>Gets a snapshot of the state, to save with a checkpoint.</summary>
    public GradientNoiseEstimatorState State => new(_gradientAverage, _traceAverage, _observations);

    /// <summary>Gets the current bias-corrected estimates, clamped as <see cref="GradientNoise"/> states, or <see cref="GradientNoise.Unknown"/> before the first measurement.</summary>
    public GradientNoise Current => _current;

    /// <summary>Adds one step's measurement.</summary>
    /// <param name="statistics">The squared norms at two batch sizes.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or norm breaks its rule; the state is unchanged.</exception>
    public void Observe(in GradientStatistics statistics)
    {
        statistics.Validate(nameof(statistics));

        double b = statistics.SmallBatchSize;
        double big = statistics.LargeBatchSize;
        double gradient = ((big * statistics.LargeBatchSquaredNorm) - (b * statistics.SmallBatchSquaredNorm)) / (big - b);
        double trace = (statistics.SmallBatchSquaredNorm - statistics.LargeBatchSquaredNorm) / ((1.0 / b) - (1.0 / big));
        double nextGradient = (_decay * _gradientAverage) + ((1.0 - _decay) * gradient);
        double nextTrace = (_decay * _traceAverage) + ((1.0 - _decay) * trace);
        if (!double.IsFinite(nextGradient) || !double.IsFinite(nextTrace))
        {
            throw Guard.OutOfRange(nameof(statistics), statistics.SmallBatchSquaredNorm, "norms whose estimates stay finite; these overflow, so they are refused and the state is unchanged");
        }

        _gradientAverage = nextGradient;
        _traceAverage = nextTrace;
        _observations++;
        Refresh();
    }

    // The bias-corrected estimates are a function of the state alone, computed once per change.
    private void Refresh()
    {
        if (_observations == 0)
        {
            _current = GradientNoise.Unknown;
            return;
        }

        double correction = 1.0 - Math.Pow(_decay, _observations);
        _current = new GradientNoise(_gradientAverage / correction, _traceAverage / correction);
    }
}
