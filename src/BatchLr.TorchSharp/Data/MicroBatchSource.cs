using static TorchSharp.torch;

namespace BatchLr.TorchSharp;

/// <summary>Reads the samples of a micro-batch, given their dataset indices, into the loader's batch shape.</summary>
/// <typeparam name="TBatch">The batch shape.</typeparam>
internal abstract class MicroBatchSource<TBatch>
{
    /// <summary>Gets a value indicating whether reading splits into a slow fetch that may run on another thread and a collation on the caller's.</summary>
    public virtual bool CanPrefetch => false;

    /// <summary>Reads a micro-batch on the caller's thread; its tensors join the caller's dispose scope.</summary>
    public abstract TBatch Read(Tensor indices);

    /// <summary>Fetches the samples at <paramref name="indices"/>, on any thread.</summary>
    public virtual object Fetch(long[] indices) => throw new System.NotSupportedException();

    /// <summary>Collates fetched samples on the caller's thread and releases them.</summary>
    public virtual TBatch Collate(object fetched) => throw new System.NotSupportedException();

    /// <summary>Releases fetched samples that will not be used.</summary>
    public virtual void Release(object fetched)
    {
    }
}
