using System;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Feedback;

/// <summary>Holds the squared gradient norms of one step measured at two batch sizes, the input of the noise-scale estimate.</summary>
/// <remarks>
/// <para>
/// Both norms are of mean gradients: the small one over <see cref="SmallBatchSize"/> samples, the large one over
/// <see cref="LargeBatchSize"/> samples that include them or not (the estimate needs only their expectations).
/// </para>
/// <para>
/// With gradient accumulation both come free from one replica's step: the gradient after the first micro-batch's
/// backward pass and the accumulated one after the last. The loop scales each micro-batch's loss by
/// <see cref="BatchPlan.GetLossWeight(int)"/>, so after the first backward pass the gradient buffer holds
/// <c>w₀ · g₀</c>, not the micro-batch's mean gradient <c>g₀</c>, and its squared norm must be divided by <c>w₀²</c>.
/// <see cref="FromMicroBatches(BatchPlan, double, double)"/> takes the two norms as the loop reads them and does this.
/// </para>
/// <para>
/// In data-parallel training another pair comes free: one replica's local gradient (small batch: the per-replica batch)
/// and the all-reduced one (large batch: the global batch). Build that pair with the constructor.
/// </para>
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

    /// <summary>Returns the measurement of a step whose micro-batches were accumulated, from the squared norms a training loop reads.</summary>
    /// <param name="plan">The step's plan; its micro-batch losses were scaled by <see cref="BatchPlan.GetLossWeight(int)"/>.</param>
    /// <param name="firstMicroBatchWeightedSquaredNorm">
    /// The squared norm of the gradient buffer right after the first micro-batch's backward pass (its loss scaled by
    /// <c>w₀ = GetLossWeight(0)</c>, the buffer zeroed before it); finite, zero or more.
    /// </param>
    /// <param name="accumulatedSquaredNorm">
    /// The squared norm of the gradient buffer after the last micro-batch's backward pass; finite, zero or more. With
    /// replicas, read both norms on one replica from its own gradient, before it is averaged across replicas.
    /// </param>
    /// <returns>
    /// <c>(b = MicroBatchSize, |g_b|² = firstMicroBatchWeightedSquaredNorm / w₀², B = PerReplicaBatchSize, |g_B|² = accumulatedSquaredNorm)</c>;
    /// or <see langword="null"/> when the replica's batch fits in one micro-batch (<see cref="BatchPlan.AccumulationSteps"/> is 1),
    /// since one batch size measures nothing: report no gradient statistics for that step.
    /// </returns>
    /// <remarks>
    /// The accumulated gradient <c>Σᵢ wᵢ · gᵢ</c> with <c>wᵢ = mᵢ / B</c> is the mean gradient over the replica's <c>B</c> samples,
    /// so its norm needs no correction; the first micro-batch's buffer holds <c>w₀ · g₀</c>, whence the division by <c>w₀²</c>.
    /// With replicas the all-reduced gradient is a mean over the global batch instead; to use it, pair it with the
    /// replica's local gradient through the constructor.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="plan"/> is the default value rather than a plan from <see cref="BatchPlan.Create(int, int, int, int)"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A norm is negative, NaN or infinite.</exception>
    public static GradientStatistics? FromMicroBatches(BatchPlan plan, double firstMicroBatchWeightedSquaredNorm, double accumulatedSquaredNorm)
    {
        if (plan.AccumulationSteps < 1)
        {
            throw new ArgumentException("'plan' is an empty plan; it must be a plan made by BatchPlan.Create.", nameof(plan));
        }

        Guard.FiniteNotNegative(firstMicroBatchWeightedSquaredNorm);
        Guard.FiniteNotNegative(accumulatedSquaredNorm);
        if (plan.AccumulationSteps == 1)
        {
            return null;
        }

        // |w₀ · g₀|² / w₀², with 1 / w₀ = B / m₀.
        double inverseWeight = (double)plan.PerReplicaBatchSize / plan.MicroBatchSize;
        double small = firstMicroBatchWeightedSquaredNorm * inverseWeight * inverseWeight;
        return new GradientStatistics(plan.MicroBatchSize, small, plan.PerReplicaBatchSize, accumulatedSquaredNorm);
    }

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
