using System;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr;

/// <summary>Describes how one optimizer step's global batch is split: replicas × accumulation steps × micro-batches.</summary>
/// <remarks>
/// <para>
/// Each of the <see cref="Replicas"/> replicas takes <c>GlobalBatchSize / Replicas</c> samples per step, in
/// <see cref="AccumulationSteps"/> micro-batches of at most the device's micro-batch limit. The micro-batches are
/// balanced: all are <see cref="MicroBatchSize"/> except the last, which holds the remainder
/// (<see cref="LastMicroBatchSize"/>), so the optimizer always sees exactly the global batch.
/// </para>
/// <para>
/// To keep the gradient an unbiased mean over the whole batch when micro-batches differ in size, scale each
/// micro-batch's mean loss by <see cref="GetLossWeight(int)"/> before the backward pass.
/// </para>
/// </remarks>
public readonly struct BatchPlan : IEquatable<BatchPlan>
{
    private BatchPlan(int global, int replicas, int accumulation, int micro, int last)
    {
        GlobalBatchSize = global;
        Replicas = replicas;
        AccumulationSteps = accumulation;
        MicroBatchSize = micro;
        LastMicroBatchSize = last;
    }

    /// <summary>Gets the samples the optimizer sees per step, over all replicas.</summary>
    public int GlobalBatchSize { get; }

    /// <summary>Gets the number of data-parallel replicas.</summary>
    public int Replicas { get; }

    /// <summary>Gets the number of micro-batches each replica accumulates per step.</summary>
    public int AccumulationSteps { get; }

    /// <summary>Gets the size of every micro-batch but the last.</summary>
    public int MicroBatchSize { get; }

    /// <summary>Gets the size of the last micro-batch; equal to <see cref="MicroBatchSize"/> when the split is even.</summary>
    public int LastMicroBatchSize { get; }

    /// <summary>Gets the samples each replica takes per step.</summary>
    public int PerReplicaBatchSize => GlobalBatchSize / Replicas;

    /// <summary>Creates the plan for a global batch, given the largest micro-batch a replica can hold.</summary>
    /// <param name="globalBatchSize">The samples per optimizer step; 1 or more and a multiple of <paramref name="replicas"/>.</param>
    /// <param name="maxMicroBatchSize">The largest micro-batch a replica can process at once; 1 or more.</param>
    /// <param name="replicas">The data-parallel replicas; 1 or more. The default is 1.</param>
    /// <param name="minAccumulationSteps">The fewest micro-batches a replica's batch is split into, as far as its samples allow; 1 or more. The default is 1.</param>
    /// <returns>
    /// The plan with the fewest accumulation steps, <c>A = max(ceil(B_r / maxMicro), min(minAccumulation, B_r))</c>, and balanced
    /// micro-batches of <c>ceil(B_r / A)</c>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static BatchPlan Create(int globalBatchSize, int maxMicroBatchSize, int replicas = 1, int minAccumulationSteps = 1)
    {
        Guard.Positive(globalBatchSize);
        Guard.Positive(maxMicroBatchSize);
        Guard.Positive(replicas);
        Guard.Positive(minAccumulationSteps);
        if (globalBatchSize % replicas != 0)
        {
            throw Guard.OutOfRange(nameof(globalBatchSize), globalBatchSize, "a multiple of replicas, " + replicas.ToString(CultureInfo.InvariantCulture));
        }

        int perReplica = globalBatchSize / replicas;
        int accumulation = Math.Max((int)(((long)perReplica + maxMicroBatchSize - 1) / maxMicroBatchSize), Math.Min(minAccumulationSteps, perReplica));
        int micro = (int)(((long)perReplica + accumulation - 1) / accumulation);
        int last = perReplica - ((accumulation - 1) * micro);
        return new BatchPlan(globalBatchSize, replicas, accumulation, micro, last);
    }

    /// <summary>Returns the size of one micro-batch of a replica's step.</summary>
    /// <param name="index">The micro-batch index, from 0 to <see cref="AccumulationSteps"/> - 1.</param>
    /// <returns>The number of samples in that micro-batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public int GetMicroBatchSize(int index)
    {
        CheckIndex(index);
        return index == AccumulationSteps - 1 ? LastMicroBatchSize : MicroBatchSize;
    }

    /// <summary>Returns the weight of a micro-batch's mean loss, so the accumulated gradient is the mean over the replica's batch.</summary>
    /// <param name="index">The micro-batch index, from 0 to <see cref="AccumulationSteps"/> - 1.</param>
    /// <returns><c>size(index) / PerReplicaBatchSize</c>; the weights of a step sum to 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public double GetLossWeight(int index) => (double)GetMicroBatchSize(index) / PerReplicaBatchSize;

    /// <inheritdoc />
    public bool Equals(BatchPlan other) =>
        GlobalBatchSize == other.GlobalBatchSize && Replicas == other.Replicas && AccumulationSteps == other.AccumulationSteps
        && MicroBatchSize == other.MicroBatchSize && LastMicroBatchSize == other.LastMicroBatchSize;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BatchPlan other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(GlobalBatchSize, Replicas, AccumulationSteps, MicroBatchSize, LastMicroBatchSize);

    /// <inheritdoc />
    public override string ToString()
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{GlobalBatchSize} = {Replicas} {(Replicas == 1 ? "replica" : "replicas")} x {AccumulationSteps} x {MicroBatchSize}");
        return LastMicroBatchSize == MicroBatchSize
            ? text
            : text + string.Create(CultureInfo.InvariantCulture, $" (last {LastMicroBatchSize})");
    }

    /// <summary>Determines whether two plans are equal.</summary>
    /// <param name="left">The first plan.</param>
    /// <param name="right">The second plan.</param>
    /// <returns><see langword="true"/> when every count agrees.</returns>
    public static bool operator ==(BatchPlan left, BatchPlan right) => left.Equals(right);

    /// <summary>Determines whether two plans differ.</summary>
    /// <param name="left">The first plan.</param>
    /// <param name="right">The second plan.</param>
    /// <returns><see langword="true"/> when any count differs.</returns>
    public static bool operator !=(BatchPlan left, BatchPlan right) => !left.Equals(right);

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)AccumulationSteps)
        {
            throw Guard.OutOfRange(nameof(index), index, "from 0 to " + (AccumulationSteps - 1).ToString(CultureInfo.InvariantCulture));
        }
    }
}
