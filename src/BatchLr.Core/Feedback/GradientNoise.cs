using System;

namespace BatchLr.Feedback;

/// <summary>Holds estimates of the true gradient's squared norm <c>|G|²</c> and the per-sample covariance trace <c>tr(Σ)</c>.</summary>
/// <remarks>
/// <para>
/// Their ratio is the simple noise scale <c>B_simple = tr(Σ) / |G|²</c> of McCandlish et al. (2018), which
/// approximates the critical batch size: below it, a larger batch speeds training almost linearly; above it, little.
/// </para>
/// <para>
/// Both are differences of noisy norms, so a smoothed estimate can fall to zero or below although the true values are
/// positive. adaptdl (Qiao et al. 2021, <c>gradient_noise_scale.py</c>) clamps its averages when it reads them; this
/// struct clamps on construction, the same rule: <c>|G|²</c> at 0, and <c>tr(Σ)</c> from below at
/// <see cref="MinimumCovarianceTrace"/>. A vanishing
/// <c>|G|²</c> is the noise-dominated limit, <c>B_simple → +∞</c>, not a missing estimate: <see cref="NoiseScale"/> is
/// then <see cref="double.PositiveInfinity"/>, and every consumer takes the limit (AdaScale's gain tends to the scale
/// <c>S</c>, goodput's statistical efficiency to 1).
/// </para>
/// </remarks>
public readonly struct GradientNoise : IEquatable<GradientNoise>
{
    /// <summary>The floor of <see cref="CovarianceTrace"/>, <see cref="double.Epsilon"/>, the smallest positive <see cref="double"/>.</summary>
    /// <remarks>
    /// The floor only decides the case where both estimates vanish, which it resolves as the noise-dominated limit
    /// (<c>B_simple = +∞</c>), as adaptdl's floor of <c>1e-6</c> on its variance does. adaptdl's floor is absolute, so
    /// it inflates the noise scale of a model whose squared gradient norms are themselves near <c>1e-6</c>; a floor this
    /// small changes no other estimate, whatever the units of the loss.
    /// </remarks>
    public const double MinimumCovarianceTrace = double.Epsilon;

    /// <summary>Initializes a new instance of the <see cref="GradientNoise"/> struct.</summary>
    /// <param name="gradientSquaredNorm">The estimate of <c>|G|²</c>; a value below zero is stored as 0.</param>
    /// <param name="covarianceTrace">The estimate of <c>tr(Σ)</c>, per sample; a value below <see cref="MinimumCovarianceTrace"/> is stored as that floor.</param>
    /// <remarks>NaN and infinities are stored unchanged, and make the estimate unknown (<see cref="IsKnown"/> is <see langword="false"/>).</remarks>
    public GradientNoise(double gradientSquaredNorm, double covarianceTrace)
    {
        // Written out rather than Math.Max, so NaN stays NaN and -0.0 becomes +0.0 (tr / +0 = +∞, never -∞).
        GradientSquaredNorm = double.IsNaN(gradientSquaredNorm) || gradientSquaredNorm > 0 ? gradientSquaredNorm : 0.0;
        CovarianceTrace = double.IsNaN(covarianceTrace) || covarianceTrace > MinimumCovarianceTrace ? covarianceTrace : MinimumCovarianceTrace;
    }

    /// <summary>Gets an empty estimate, as before any gradient statistics were observed.</summary>
    public static GradientNoise Unknown { get; } = new(double.NaN, double.NaN);

    /// <summary>Gets the estimate of the squared norm of the true gradient, <c>|G|²</c>; zero or more, or NaN when unknown.</summary>
    public double GradientSquaredNorm { get; }

    /// <summary>Gets the estimate of the trace of the per-sample gradient covariance, <c>tr(Σ)</c>; at least <see cref="MinimumCovarianceTrace"/>, or NaN when unknown.</summary>
    public double CovarianceTrace { get; }

    /// <summary>Gets a value indicating whether both estimates exist, that is, are finite.</summary>
    /// <remarks>An estimator's estimates are known from its first observation on; zero or negative values are clamped, not unknown.</remarks>
    public bool IsKnown => double.IsFinite(GradientSquaredNorm) && double.IsFinite(CovarianceTrace);

    /// <summary>Gets the simple noise scale <c>B_simple = tr(Σ) / |G|²</c>.</summary>
    /// <value>
    /// Zero or more; <see cref="double.PositiveInfinity"/> when <c>|G|²</c> is 0 (the noise-dominated limit) or the ratio
    /// overflows; NaN when <see cref="IsKnown"/> is <see langword="false"/>.
    /// </value>
    public double NoiseScale => IsKnown ? CovarianceTrace / GradientSquaredNorm : double.NaN;

    /// <inheritdoc />
    public bool Equals(GradientNoise other) =>
        GradientSquaredNorm.Equals(other.GradientSquaredNorm) && CovarianceTrace.Equals(other.CovarianceTrace);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GradientNoise other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(GradientSquaredNorm, CovarianceTrace);

    /// <summary>Determines whether two estimates are equal.</summary>
    /// <param name="left">The first estimate.</param>
    /// <param name="right">The second estimate.</param>
    /// <returns><see langword="true"/> when both values agree.</returns>
    public static bool operator ==(GradientNoise left, GradientNoise right) => left.Equals(right);

    /// <summary>Determines whether two estimates differ.</summary>
    /// <param name="left">The first estimate.</param>
    /// <param name="right">The second estimate.</param>
    /// <returns><see langword="true"/> when either value differs.</returns>
    public static bool operator !=(GradientNoise left, GradientNoise right) => !left.Equals(right);
}
