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
/// Training throughput against the batch size through the planned step, for an MLP (784 → 128 → 10) and a small CNN
/// (conv 1→16 and 16→32, 3×3, ReLU, max-pool; linear 1568→10) on 28×28 inputs: the comparison users run to pick a batch.
/// One operation is one step; samples per second = batch / time per step. The baseline is the MLP at the same batch.
/// </summary>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    private const long Samples = 8_192;
    private Tensor _images = null!;
    private Tensor _labels = null!;
    private Sequential _mlp = null!;
    private Sequential _cnn = null!;
    private optim.Optimizer _mlpOptimizer = null!;
    private optim.Optimizer _cnnOptimizer = null!;
    private PlannedLoader<IList<Tensor>> _loader = null!;
    private TrainingPlanner _mlpPlanner = null!;
    private TrainingPlanner _cnnPlanner = null!;

    [Params(16, 64, 256, 1024)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        random.manual_seed(1);
        _images = rand(Samples, 1, 28, 28);
        _labels = randint(0, 10, Samples);
        _mlp = nn.Sequential(("flat", nn.Flatten()), ("a", nn.Linear(784, 128)), ("act", nn.ReLU()), ("b", nn.Linear(128, 10)));
        _cnn = nn.Sequential(
            ("c1", nn.Conv2d(1, 16, 3, padding: 1)),
            ("r1", nn.ReLU()),
            ("p1", nn.MaxPool2d(2)),
            ("c2", nn.Conv2d(16, 32, 3, padding: 1)),
            ("r2", nn.ReLU()),
            ("p2", nn.MaxPool2d(2)),
            ("flat", nn.Flatten()),
            ("out", nn.Linear(32 * 7 * 7, 10)));
        _mlpOptimizer = optim.SGD(_mlp.parameters(), 0.01);
        _cnnOptimizer = optim.SGD(_cnn.parameters(), 0.01);
        _loader = BatchLr.TorchSharp.PlannedLoader.FromTensors([_images, _labels], new PlannedLoaderOptions { Seed = 1 });
        _mlpPlanner = Planner();
        _cnnPlanner = Planner();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _loader.Dispose();
        _mlpOptimizer.Dispose();
        _cnnOptimizer.Dispose();
        _mlp.Dispose();
        _cnn.Dispose();
        _images.Dispose();
        _labels.Dispose();
    }

    [Benchmark(Baseline = true, Description = "MLP step")]
    public double Mlp() => _mlpPlanner.Step(_mlpOptimizer, _loader, batch => nn.functional.cross_entropy(_mlp.forward(batch[0]), batch[1])).Loss;

    [Benchmark(Description = "CNN step")]
    public double Cnn() => _cnnPlanner.Step(_cnnOptimizer, _loader, batch => nn.functional.cross_entropy(_cnn.forward(batch[0]), batch[1])).Loss;

    private TrainingPlanner Planner() => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([Schedule.Constant(0.01)]),
        BatchSize = BatchSizePolicy.Fixed(Batch),
        DatasetSize = Samples,
    });
}
