using System;
using BatchLr.Memory;
using BatchLr.TorchSharp;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BatchLr.Benchmarks;

/// <summary>
/// The fastest micro-batch that fits, on the real CPU: a full sweep of one training step of the small CNN at each size (the
/// rows), and <see cref="MicroBatchFinder"/> with <c>MeasureSpeed</c>, whose choice is printed once in the setup. The fraction
/// the finder reaches is the samples per second at its choice over the best row's.
/// </summary>
[MemoryDiagnoser]
public class MicroBatchSpeedBenchmarks
{
    private Tensor _images = null!;
    private Tensor _labels = null!;
    private Sequential _model = null!;
    private torch.optim.Optimizer _optimizer = null!;

    [Params(16, 32, 64, 128, 256, 512)]
    public int MicroBatch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        random.manual_seed(1);
        _images = rand(512, 1, 28, 28);
        _labels = randint(0, 10, 512);
        _model = Cnn();
        _optimizer = torch.optim.SGD(_model.parameters(), 0.01);
        if (MicroBatch == 16)
        {
            MicroBatchSelection choice = MicroBatchFinder.Find(_model, _optimizer, Loss, new MicroBatchSelectionOptions
            {
                Strategy = MicroBatchStrategy.Search,
                MaxMicroBatchSize = 512,
                MeasureSpeed = true,
            });
            Console.WriteLine("// MicroBatchFinder (MeasureSpeed) chose " + choice.MicroBatchSize + " (" + choice.Method + ", " + choice.Trials.Count + " trials)");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _images.Dispose();
        _labels.Dispose();
    }

    [Benchmark(Description = "CNN training step")]
    public double Step()
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        Tensor loss = Loss(MicroBatch);
        loss.backward();
        _optimizer.step();
        return loss.ToDouble();
    }

    private static Sequential Cnn() => nn.Sequential(
        ("c1", nn.Conv2d(1, 16, 3, padding: 1)),
        ("r1", nn.ReLU()),
        ("p1", nn.MaxPool2d(2)),
        ("c2", nn.Conv2d(16, 32, 3, padding: 1)),
        ("r2", nn.ReLU()),
        ("p2", nn.MaxPool2d(2)),
        ("flat", nn.Flatten()),
        ("out", nn.Linear(32 * 7 * 7, 10)));

    private Tensor Loss(int size) =>
        nn.functional.cross_entropy(_model.forward(_images[TensorIndex.Slice(0, size)]), _labels[TensorIndex.Slice(0, size)]);
}
