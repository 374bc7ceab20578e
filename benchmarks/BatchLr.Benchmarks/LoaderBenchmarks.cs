using System.Collections.Generic;
using BatchLr.Batching;
using BatchLr.Schedules;
using BatchLr.TorchSharp;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace BatchLr.Benchmarks;

/// <summary>
/// One batch of 128 from Fashion-MNIST-sized tensors in memory (60,000 × 784 floats and their labels), shuffled: TorchSharp's
/// <c>DataLoader</c> over a <c>TensorDataset</c> (the baseline), a plain <c>index_select</c> of a permutation's slice, and
/// BatchLr's planned loader following a planner's plan.
/// </summary>
[MemoryDiagnoser]
public class LoaderBenchmarks
{
    private const int Batch = 128;
    private const long Samples = 60_000;
    private Tensor _images = null!;
    private Tensor _labels = null!;
    private global::TorchSharp.Modules.TensorDataset _dataset = null!;
    private global::TorchSharp.Modules.IterableDataLoader _torchLoader = null!;
    private IEnumerator<IList<Tensor>> _torchBatches = null!;
    private Tensor _permutation = null!;
    private long _offset;
    private PlannedLoader<IList<Tensor>> _planned = null!;
    private TrainingPlanner _planner = null!;

    [GlobalSetup]
    public void Setup()
    {
        random.manual_seed(1);
        _images = rand(Samples, 784);
        _labels = randint(0, 10, Samples);
        _dataset = utils.data.TensorDataset(_images, _labels);
        _torchLoader = utils.data.DataLoader(_dataset, Batch, shuffle: true, seed: 1);
        _torchBatches = _torchLoader.GetEnumerator();
        _permutation = randperm(Samples);
        _planned = BatchLr.TorchSharp.PlannedLoader.FromTensors([_images, _labels], new PlannedLoaderOptions { Seed = 1 });
        _planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = BatchSizePolicy.Fixed(Batch),
            DatasetSize = Samples,
            EpochBoundary = EpochBoundary.Keep,
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _torchBatches.Dispose();
        _torchLoader.Dispose();
        _planned.Dispose();
        _permutation.Dispose();
        _images.Dispose();
        _labels.Dispose();
    }

    [Benchmark(Baseline = true, Description = "TorchSharp DataLoader, batch 128")]
    public long TorchSharpLoader()
    {
        if (!_torchBatches.MoveNext())
        {
            _torchBatches.Dispose();
            _torchBatches = _torchLoader.GetEnumerator();
            _torchBatches.MoveNext();
        }

        return _torchBatches.Current[0].shape[0]; // the loader disposes the batch at the next MoveNext
    }

    [Benchmark(Description = "plain index_select of a permutation slice")]
    public long IndexSelect()
    {
        using var scope = NewDisposeScope();
        if (_offset + Batch > Samples)
        {
            _offset = 0;
        }

        Tensor rows = _permutation.narrow(0, _offset, Batch);
        _offset += Batch;
        return _images.index_select(0, rows).shape[0] + _labels.index_select(0, rows).shape[0];
    }

    [Benchmark(Description = "BatchLr planned loader (plan, micro-batch, complete)")]
    public long Planned()
    {
        using var scope = NewDisposeScope();
        StepPlan plan = _planner.Plan();
        IList<Tensor> batch = _planned.GetMicroBatch(plan, 0).Data;
        _planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
        return batch[0].shape[0];
    }
}
