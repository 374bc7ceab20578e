using System;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Feedback;

/// <summary>Holds the squared gradient norms of one step measured at two batch sizes, the input of the noise-scale estimate.</summary>
/// <remarks>
/// In data-parallel training both come free: the small batch is one replica's batch (its local gradient before the
/// all-reduce) and the large batch is the global batch (the reduced gradient). Without replicas, split the
/// accumulation: the first micro-batch's gradient and the accumulated one.
/// </remarks>
public readonly struct GradientStatistics : IEquatable<GradientStatistics>
{
    /// <summary>Initializes a new instance of the <see cref="GradientStatistics"/> struct.</summary>
    /// <param name="smallBatchSize">The samples behind the small-batch gradient; 1 or more.</param>
    /// <param name="smallBatchSquaredNorm">The squared norm of the mean gradient over the small batch.</param>
    /// <param name="largeBatchSize">The samples behind the large-batch gradient; greater than <paramref name="smallBatchSize"/>.</param>
    /// <param name="largeBatchSquaredNorm">The squared norm of the mean gradient over the large batch.</param>
    public GradientStatistics(int smallBatchSize, double smallBatchSquaredNorm, int largeBatchSize, double largeBatchSquaredNorm)
    {
        SmallBatchSize = smallBatchSize;
        SmallBatchSquaredNorm = smallBatchSquaredNorm;
        LargeBatchSize = largeBatchSize;
        LargeBatchSquaredNorm = largeBatchSquaredNorm;
    }

    /// <summary>Gets the samples behind the small-batch gradient.</summary>
    public int SmallBatchSize { get; }

    /// <summary>Gets the squared norm of the small-batch mean gradient.</summary>
    public double SmallBatchSquaredNorm { get; }

    /// <summary>Gets the samples behind the large-batch gradient.</summary>
    public int LargeBatchSize { get; }

    /// <summary>Gets the squared norm of the large-batch mean gradient.</summary>
    public double LargeBatchSquaredNorm { get; }

    /// <summary>Checks the rules every measurement obeys, naming each field under <paramref name="name"/>.</summary>
    internal void Validate(string name)
    {
        if (SmallBatchSize < 1)
        {
            throw Guard.OutOfRange(name + ".SmallBatchSize", SmallBatchSize, "1 or more");
        }

        if (LargeBatchSize <= SmallBatchSize)
        {
            throw Guard.OutOfRange(name + ".LargeBatchSize", LargeBatchSize, "greater than SmallBatchSize, " + SmallBatchSize.ToString(CultureInfo.InvariantCulture));
        }

        // Names are built only on failure: this runs on every training step.
        if (!(SmallBatchSquaredNorm >= 0) || double.IsPositiveInfinity(SmallBatchSquaredNorm))
        {
            throw Guard.OutOfRange(name + ".SmallBatchSquaredNorm", SmallBatchSquaredNorm, "a finite number zero or more");
        }

        if (!(LargeBatchSquaredNorm >= 0) || double.IsPositiveInfinity(LargeBatchSquaredNorm))
        {
            throw Guard.OutOfRange(name + ".LargeBatchSquaredNorm", LargeBatchSquaredNorm, "a finite number zero or more");
        }
    }

    /// <inheritdoc />
    public bool Equals(GradientStatistics other) =>
        SmallBatchSize == other.SmallBatchSize && SmallBatchSquaredNorm.Equals(other.SmallBatchSquaredNorm)
        && LargeBatchSize == other.LargeBatchSize && LargeBatchSquaredNorm.Equals(other.LargeBatchSquaredNorm);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GradientStatistics other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SmallBatchSize, SmallBatchSquaredNorm, LargeBatchSize, LargeBatchSquaredNorm);

    /// <summary>Determines whether two measurements are equal.</summary>
    /// <param name="left">The first measurement.</param>
    /// <param name="right">The second measurement.</param>
    /// <returns><see langword="true"/> when every field agrees.</returns>
    public static bool operator ==(GradientStatistics left, GradientStatistics right) => left.Equals(right);

    /// <summary>Determines whether two measurements differ.</summary>
    /// <param name="left">The first measurement.</param>
    /// <param name="right">The second measurement.</param>
    /// <returns><see langword="true"/> when any field differs.</returns>
    public static bool operator !=(GradientStatistics left, GradientStatistics right) => !left.Equals(right);
}
