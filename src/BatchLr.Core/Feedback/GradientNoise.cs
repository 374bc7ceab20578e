using System;

namespace BatchLr.Feedback;

/// <summary>Holds estimates of the true gradient's squared norm <c>|G|²</c> and the per-sample covariance trace <c>tr(Σ)</c>.</summary>
/// <remarks>
/// Their ratio is the simple noise scale <c>B_simple = tr(Σ) / |G|²</c> of McCandlish et al. (2018), which
/// approximates the critical batch size: below it, a larger batch speeds training almost linearly; above it, little.
/// </remarks>
public readonly struct GradientNoise : IEquatable<GradientNoise>
{
    /// <summary>Initializes a new instance of the <see cref="GradientNoise"/> struct.</summary>
    /// <param name="gradientSquaredNorm">The estimate of <c>|G|²</c>.</param>
    /// <param name="covarianceTrace">The estimate of <c>tr(Σ)</c>, per sample.</param>
    public GradientNoise(double gradientSquaredNorm, double covarianceTrace)
    {
        GradientSquaredNorm = gradientSquaredNorm;
        CovarianceTrace = covarianceTrace;
    }

    /// <summary>Gets an empty estimate, as before any gradient statistics were observed.</summary>
    public static GradientNoise Unknown { get; } = new(double.NaN, double.NaN);

    /// <summary>Gets the estimate of the squared norm of the true gradient, <c>|G|²</c>.</summary>
    public double GradientSquaredNorm { get; }

    /// <summary>Gets the estimate of the trace of the per-sample gradient covariance, <c>tr(Σ)</c>.</summary>
    public double CovarianceTrace { get; }

    /// <summary>Gets a value indicating whether both estimates exist and are positive, so the noise scale is defined.</summary>
    public bool IsKnown => GradientSquaredNorm > 0 && CovarianceTrace > 0 && double.IsFinite(GradientSquaredNorm) && double.IsFinite(CovarianceTrace);

    /// <summary>Gets the simple noise scale <c>B_simple = tr(Σ) / |G|²</c>, or NaN when <see cref="IsKnown"/> is false.</summary>
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
