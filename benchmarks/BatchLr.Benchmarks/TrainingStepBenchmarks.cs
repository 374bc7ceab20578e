using System.Collections.Generic;
using BatchLr.Batching;
using BatchLr.Schedules;
using BatchLr.TorchSharp;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BatchLr.Benchmarks;

/// <summary>
/// One training step of an MLP (784 → 128 → 10, SGD) at batch 32 on Fashion-MNIST-sized tensors: a plain TorchSharp step
/// with a shuffled <c>index_select</c> (the baseline), and the same step through <c>planner.Step</c> with the planned loader, a
/// warmup-cosine schedule and an evaluation interval. The ratio minus one is the whole BatchLr layer's share of a step.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private const int Batch = 32;
    private const long Samples = 60_000;
    private Tensor _images = null!;
    private Tensor _labels = null!;
    private Tensor _permutation = null!;
    private long _offset;
    private Sequential _plainModel = null!;
    private Sequential _plannedModel = null!;
    private optim.Optimizer _plainOptimizer = null!;
    private optim.Optimizer _plannedOptimizer = null!;
    private PlannedLoader<IList<Tensor>> _loader = null!;
    private TrainingPlanner _planner = null!;

    [GlobalSetup]
    public void Setup()
    {
        random.manual_seed(1);
        _images = rand(Samples, 784);
        _labels = randint(0, 10, Samples);
        _permutation = randperm(Samples);
        _plainModel = Mlp();
        _plannedModel = Mlp();
        _plainOptimizer = optim.SGD(_plainModel.parameters(), 0.01);
        _plannedOptimizer = optim.SGD(_plannedModel.parameters(), 0.01);
        _loader = BatchLr.TorchSharp.PlannedLoader.FromTensors([_images, _labels], new PlannedLoaderOptions { Seed = 1 });
        _planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.01, 0.0, 1_000_000).WithWarmup(100)]),
            BatchSize = BatchSizePolicy.Fixed(Batch),
            DatasetSize = Samples,
            EvaluationInterval = TrainingDuration.Epochs(0.5),
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _loader.Dispose();
        _plainOptimizer.Dispose();
        _plannedOptimizer.Dispose();
        _plainModel.Dispose();
        _plannedModel.Dispose();
        _permutation.Dispose();
        _images.Dispose();
        _labels.Dispose();
    }

    [Benchmark(Baseline = true, Description = "plain TorchSharp step, MLP, batch 32")]
    public double Plain()
    {
        using var scope = NewDisposeScope();
        if (_offset + Batch > Samples)
        {
            _offset = 0;
        }

        Tensor rows = _permutation.narrow(0, _offset, Batch);
        _offset += Batch;
        _plainOptimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(_plainModel.forward(_images.index_select(0, rows)), _labels.index_select(0, rows));
        loss.backward();
        _plainOptimizer.step();
        return loss.ToDouble();
    }

    [Benchmark(Description = "planner.Step with the planned loader, MLP, batch 32")]
    public double Planned() =>
        _planner.Step(_plannedOptimizer, _loader, batch => nn.functional.cross_entropy(_plannedModel.forward(batch[0]), batch[1])).Loss;

    private static Sequential Mlp() => nn.Sequential(("a", nn.Linear(784, 128)), ("act", nn.ReLU()), ("b", nn.Linear(128, 10)));
}
