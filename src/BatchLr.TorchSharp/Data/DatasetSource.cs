using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp;

/// <summary>
/// Reads micro-batches from a TorchSharp dataset in two stages: fetching the samples (the slow part, such as decoding, which
/// may run on a background thread) and collating them on the caller's thread, so the batch's tensors join the caller's scope.
/// </summary>
internal sealed class DatasetSource<T, TBatch>(utils.data.Dataset<T> dataset, Func<IEnumerable<T>, Device, TBatch> collate, Device device) : MicroBatchSource<TBatch>
{
    public override bool CanPrefetch => true;

    public override TBatch Read(Tensor indices) => Collate(Fetch(indices.data<long>().ToArray()));

    public override object Fetch(long[] indices)
    {
        var samples = new T[indices.Length];
        var owned = new List<IDisposable>();
        try
        {
            for (int i = 0; i < indices.Length; i++)
            {
                // Dispose scopes are per thread: this one catches what reading a sample makes, wherever it runs.
                using DisposeScope scope = NewDisposeScope();
                samples[i] = dataset.GetTensor(indices[i]);
                var created = scope.DisposablesView.ToList();
                scope.Detach(created);
                owned.AddRange(created);
            }
        }
        catch
        {
            owned.ForEach(item => item.Dispose());
            throw;
        }

        return new Fetched(samples, owned);
    }

    public override TBatch Collate(object fetched)
    {
        var samples = (Fetched)fetched;
        try
        {
            return collate(samples.Samples, device);
        }
        finally
        {
            samples.Owned.ForEach(item => item.Dispose());
        }
    }

    public override void Release(object fetched) => ((Fetched)fetched).Owned.ForEach(item => item.Dispose());

    private sealed record Fetched(T[] Samples, List<IDisposable> Owned);
}
