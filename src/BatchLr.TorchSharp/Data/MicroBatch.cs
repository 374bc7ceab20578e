namespace BatchLr.TorchSharp;

/// <summary>Holds one micro-batch of a planned step, for this loader's replica.</summary>
/// <typeparam name="TBatch">The batch shape: the tensors of an in-memory source, or a dataset's collated batch.</typeparam>
public readonly struct MicroBatch<TBatch>
{
    internal MicroBatch(TBatch data, int index, int size, double lossWeight)
    {
        Data = data;
        Index = index;
        Size = size;
        LossWeight = lossWeight;
    }

    /// <summary>Gets the samples, on the loader's device; the caller owns and disposes the tensors (a dispose scope per micro-batch does it).</summary>
    public TBatch Data { get; }

    /// <summary>Gets the micro-batch's index within the step, from 0 to <see cref="BatchPlan.AccumulationSteps"/> - 1.</summary>
    public int Index { get; }

    /// <summary>Gets the number of samples.</summary>
    public int Size { get; }

    /// <summary>Gets the weight of this micro-batch's mean loss, <see cref="BatchPlan.GetLossWeight(int)"/>: the weights of a step sum to 1, so the accumulated gradient is the mean over the replica's batch.</summary>
    public double LossWeight { get; }
}
