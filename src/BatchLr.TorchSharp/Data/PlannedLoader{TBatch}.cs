using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp;

/// <summary>Feeds each planned step its micro-batches: sizes from <see cref="StepPlan.Batch"/>, place in the data from <see cref="StepPlan.DataOffset"/>.</summary>
/// <typeparam name="TBatch">The batch shape: the tensors of an in-memory source, or a dataset's collated batch.</typeparam>
/// <remarks>
/// <para>
/// The samples form one stream, epoch after epoch, each epoch a seeded permutation of the dataset (<see cref="PlannedLoaderOptions.Seed"/>).
/// A step's global batch is the stream's next <c>B</c> samples from <see cref="StepPlan.DataOffset"/>; its micro-batch <c>i</c> is
/// the next <c>R · m_i</c> of them, and replica <c>r</c> of <c>R</c> takes its own block of <c>m_i</c>, so the replicas together
/// cover the global batch once (the contract of PyTorch's <c>DistributedSampler</c>). Every rank computes the same plans
/// without talking, so every rank reads the same stream.
/// </para>
/// <para>
/// The loader keeps no position of its own: it is the planner's. A run resumed from a <see cref="TrainingPlannerState"/> with
/// the same seed continues with exactly the samples not yet seen. The end of an epoch (keep or drop its last partial batch)
/// is the planner's <see cref="TrainingPlannerOptions.EpochBoundary"/>; give the planner this loader's <see cref="Count"/> as
/// its <see cref="TrainingPlannerOptions.DatasetSize"/>.
/// </para>
/// </remarks>
public sealed class PlannedLoader<TBatch> : IDisposable
{
    private readonly MicroBatchSource<TBatch> _source;
    private readonly EpochOrder _order;
    private readonly int _rank;
    private readonly bool _prefetch;
    private BlockingCollection<(long[] Indices, TaskCompletionSource<object> Done)>? _requests;
    private Thread? _worker;
    private Task<object>? _ahead;
    private long[]? _aheadIndices;

    /// <summary>Initializes a loader over <paramref name="count"/> samples (1 or more) with options already checked.</summary>
    internal PlannedLoader(long count, MicroBatchSource<TBatch> source, PlannedLoaderOptions options)
    {
        Count = count;
        _source = source;
        _prefetch = options.Prefetch && source.CanPrefetch;
        _rank = options.Rank;
        Seed = options.Seed;
        Shuffle = options.Shuffle;
        _order = new EpochOrder(count, options.Seed, options.Shuffle);
    }

    /// <summary>Gets the number of samples in one epoch; the planner's <see cref="TrainingPlannerOptions.DatasetSize"/>.</summary>
    public long Count { get; }

    /// <summary>Gets the seed of the epochs' orders.</summary>
    public long Seed { get; }

    /// <summary>Gets a value indicating whether each epoch has its own shuffled order.</summary>
    public bool Shuffle { get; }

    /// <summary>Returns one micro-batch of a planned step, for this loader's replica.</summary>
    /// <param name="plan">The step's plan.</param>
    /// <param name="index">The micro-batch, from 0 to <c>plan.Batch.AccumulationSteps</c> - 1. Micro-batches may be asked in any order.</param>
    /// <returns>The samples, their count and their loss weight. The tensors are created in the caller's dispose scope: open one per micro-batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a micro-batch of the plan, or this loader's rank is not below the plan's replica count.</exception>
    public MicroBatch<TBatch> GetMicroBatch(in StepPlan plan, int index)
    {
        TBatch data;
        int size;
        if (!_prefetch)
        {
            using Tensor indices = Indices(plan, index, out size);
            data = _source.Read(indices);
        }
        else
        {
            long[] wanted = IndexArray(plan, index, out size);
            object fetched = TakeAhead(wanted) ?? _source.Fetch(wanted);
            ReadAhead(plan, index);
            data = _source.Collate(fetched);
        }

        return new MicroBatch<TBatch>(data, index, size, plan.Batch.GetLossWeight(index));
    }

    /// <summary>Returns the dataset indices of one micro-batch of a planned step, for this loader's replica, in order.</summary>
    /// <param name="plan">The step's plan.</param>
    /// <param name="index">The micro-batch, from 0 to <c>plan.Batch.AccumulationSteps</c> - 1.</param>
    /// <returns>The indices into the dataset, for sources this loader cannot read.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a micro-batch of the plan, or this loader's rank is not below the plan's replica count.</exception>
    public long[] GetIndices(in StepPlan plan, int index) => IndexArray(plan, index, out _);

    /// <inheritdoc />
    public void Dispose()
    {
        DropAhead();
        if (_requests is not null)
        {
            _requests.CompleteAdding();
            _worker!.Join();
            _requests.Dispose();
        }

        _order.Dispose();
    }

    private long[] IndexArray(in StepPlan plan, int index, out int size)
    {
        using Tensor indices = Indices(plan, index, out size);
        return indices.data<long>().ToArray();
    }

    /// <summary>Returns the samples read ahead when they are the ones wanted, else releases them and returns <see langword="null"/>.</summary>
    private object? TakeAhead(long[] wanted)
    {
        if (_ahead is null)
        {
            return null;
        }

        bool hit = _aheadIndices.AsSpan().SequenceEqual(wanted);
        if (!hit)
        {
            DropAhead();
            return null;
        }

        Task<object> ahead = _ahead;
        _ahead = null;
        return ahead.GetAwaiter().GetResult(); // a fetch that failed throws here, for the micro-batch that needed it
    }

    /// <summary>Starts reading the micro-batch expected after <paramref name="index"/> of <paramref name="plan"/>.</summary>
    private void ReadAhead(in StepPlan plan, int index)
    {
        BatchPlan batch = plan.Batch;
        long[] next;
        if (index + 1 < batch.AccumulationSteps)
        {
            next = IndexArray(plan, index + 1, out _);
        }
        else
        {
            // The next step's first micro-batch, guessing it keeps this step's micro-batch size.
            int size = batch.MicroBatchSize;
            using Tensor indices = _order.Indices(plan.DataOffset + batch.GlobalBatchSize + ((long)_rank * size), size);
            next = indices.data<long>().ToArray();
        }

        // One reading thread per loader: the thread pool may be busy (or inline a task asked for before it started).
        if (_requests is null)
        {
            _requests = new BlockingCollection<(long[], TaskCompletionSource<object>)>(boundedCapacity: 1);
            _worker = new Thread(Work) { IsBackground = true, Name = "BatchLr prefetch" };
            _worker.Start();
        }

        var done = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        _aheadIndices = next;
        _ahead = done.Task;
        _requests.Add((next, done));
    }

    private void Work()
    {
        foreach ((long[] indices, TaskCompletionSource<object> done) in _requests!.GetConsumingEnumerable())
        {
            try
            {
                done.SetResult(_source.Fetch(indices));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }

    private void DropAhead()
    {
        if (_ahead is null)
        {
            return;
        }

        try
        {
            _source.Release(_ahead.GetAwaiter().GetResult());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A guess that failed to read is not an error: nobody asked for it.
        }

        _ahead = null;
    }

    private Tensor Indices(in StepPlan plan, int index, out int size)
    {
        BatchPlan batch = plan.Batch;
        size = batch.GetMicroBatchSize(index);
        if (_rank >= batch.Replicas)
        {
            throw new ArgumentOutOfRangeException(
                nameof(plan),
                _rank,
                string.Create(CultureInfo.InvariantCulture, $"This loader serves rank {_rank}; it must be below the plan's replica count, {batch.Replicas}."));
        }

        // Micro-batches before this one all hold MicroBatchSize samples per replica.
        long start = plan.DataOffset + ((long)batch.Replicas * index * batch.MicroBatchSize) + ((long)_rank * size);
        return _order.Indices(start, size);
    }
}
