using System;
using System.Runtime.CompilerServices;
using BatchLr.Schedules;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using static TorchSharp.torch.optim;

namespace BatchLr.Benchmarks;

/// <summary>A composed schedule, linear warmup then cosine annealing, per step: BatchLr, the formula written inline, TorchSharp's SequentialLR.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ComposedScheduleBenchmarks
{
    private const double Peak = 0.1;
    private const double Final = 0.001;
    private const double WarmupStart = Peak * WarmupFactor;
    private const double WarmupFactor = 1e-3;
    private const int Warmup = 100;
    private const int Decay = StepCounter.Horizon - Warmup;

    private readonly LearningRateSchedule _warmupCosine = Schedule.CosineAnnealing(Peak, Final, Decay).WithWarmup(Warmup, WarmupStart);
    private StepCounter _counter;
    private LearningRateSchedule? _warmupCosineTable;
    private TorchSharpScheduler? _torchWarmupCosine;

    [GlobalSetup]
    public void Setup()
    {
        _warmupCosineTable = _warmupCosine.Tabulate(StepCounter.Horizon);
        _torchWarmupCosine = new(Peak, o => lr_scheduler.SequentialLR(
            o,
            [
                lr_scheduler.LinearLR(o, start_factor: WarmupFactor, end_factor: 1.0, total_iters: Warmup),
                lr_scheduler.CosineAnnealingLR(o, T_max: Decay, eta_min: Final),
            ],
            [Warmup]));
        Equivalence.Check("WarmupCosine", _warmupCosine, WarmupCosineInline);
    }

    [GlobalCleanup]
    public void Cleanup() => _torchWarmupCosine?.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("WarmupCosine")]
    public double WarmupCosine_Inline() => WarmupCosineInline(_counter.Next());

    [Benchmark, BenchmarkCategory("WarmupCosine")]
    public double WarmupCosine_BatchLr() => _warmupCosine.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("WarmupCosine")]
    public double WarmupCosine_BatchLrTabulated() => _warmupCosineTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("WarmupCosine")]
    public void WarmupCosine_TorchSharp() => _torchWarmupCosine!.Step(_counter.Next());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double WarmupCosineInline(int t)
    {
        if (t < Warmup)
        {
            return WarmupStart + ((Peak - WarmupStart) * t / Warmup);
        }

        double local = t - Warmup;
        return local >= Decay ? Final : Final + ((Peak - Final) * 0.5 * (1.0 + Math.Cos(Math.PI * local / Decay)));
    }
}
