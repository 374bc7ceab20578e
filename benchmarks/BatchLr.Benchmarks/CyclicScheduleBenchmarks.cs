using System;
using System.Runtime.CompilerServices;
using BatchLr.Schedules;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using static TorchSharp.torch.optim;

namespace BatchLr.Benchmarks;

/// <summary>Cosine with warm restarts, cyclic and one-cycle per step: BatchLr, the formula written inline, TorchSharp's scheduler.</summary>
/// <remarks>TorchSharp 0.107 has no <c>CosineAnnealingWarmRestarts</c>; its warm restarts are the same formula in a <c>LambdaLR</c>.</remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class CyclicScheduleBenchmarks
{
    private const double Max = 0.1;
    private const double Min = 0.001;
    private const double Period = 100;
    private const double PeriodMultiplier = 2;
    private const double CyclicBase = 0.01;
    private const int StepSizeUp = 100;
    private const int OneCycleSteps = StepCounter.Horizon;
    private const double OneCycleInitial = Max / 25;
    private const double OneCycleFinal = OneCycleInitial / 1e4;
    private const double OneCycleWarmEnd = (0.3 * OneCycleSteps) - 1;
    private const double OneCycleEnd = OneCycleSteps - 1;
    private static readonly double LogMultiplier = Math.Log(PeriodMultiplier);

    private readonly LearningRateSchedule _restarts = Schedule.CosineWithRestarts(
        new RestartsOptions { MaxValue = Max, MinValue = Min, Period = Period, PeriodMultiplier = PeriodMultiplier });

    private readonly LearningRateSchedule _cyclic = Schedule.Cyclic(
        new CyclicOptions { BaseLearningRate = CyclicBase, MaxLearningRate = Max, StepSizeUp = StepSizeUp });

    private readonly LearningRateSchedule _oneCycle = Schedule.OneCycle(
        new OneCycleOptions { MaxLearningRate = Max, TotalSteps = OneCycleSteps });

    private StepCounter _counter;
    private LearningRateSchedule? _restartsTable;
    private LearningRateSchedule? _cyclicTable;
    private LearningRateSchedule? _oneCycleTable;
    private TorchSharpScheduler? _torchRestarts;
    private TorchSharpScheduler? _torchCyclic;
    private TorchSharpScheduler? _torchOneCycle;

    [GlobalSetup]
    public void Setup()
    {
        _restartsTable = _restarts.Tabulate(StepCounter.Horizon);
        _cyclicTable = _cyclic.Tabulate(StepCounter.Horizon);
        _oneCycleTable = _oneCycle.Tabulate(StepCounter.Horizon);
        _torchRestarts = new(Max, o => lr_scheduler.LambdaLR(o, t => RestartsInline(t) / Max));
        _torchCyclic = new(Max, o => lr_scheduler.CyclicLR(o, CyclicBase, Max, step_size_up: StepSizeUp, cycle_momentum: false));
        _torchOneCycle = new(Max, o => lr_scheduler.OneCycleLR(o, Max, total_steps: OneCycleSteps, cycle_momentum: false));
        Equivalence.Check("CosineWarmRestarts", _restarts, RestartsInline);
        Equivalence.Check("Cyclic", _cyclic, CyclicInline);
        Equivalence.Check("OneCycle", _oneCycle, OneCycleInline);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _torchRestarts?.Dispose();
        _torchCyclic?.Dispose();
        _torchOneCycle?.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("CosineWarmRestarts")]
    public double CosineWarmRestarts_Inline() => RestartsInline(_counter.Next());

    [Benchmark, BenchmarkCategory("CosineWarmRestarts")]
    public double CosineWarmRestarts_BatchLr() => _restarts.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("CosineWarmRestarts")]
    public double CosineWarmRestarts_BatchLrTabulated() => _restartsTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("CosineWarmRestarts")]
    public void CosineWarmRestarts_TorchSharp() => _torchRestarts!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("Cyclic")]
    public double Cyclic_Inline() => CyclicInline(_counter.Next());

    [Benchmark, BenchmarkCategory("Cyclic")]
    public double Cyclic_BatchLr() => _cyclic.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Cyclic")]
    public double Cyclic_BatchLrTabulated() => _cyclicTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Cyclic")]
    public void Cyclic_TorchSharp() => _torchCyclic!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("OneCycle")]
    public double OneCycle_Inline() => OneCycleInline(_counter.Next());

    [Benchmark, BenchmarkCategory("OneCycle")]
    public double OneCycle_BatchLr() => _oneCycle.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("OneCycle")]
    public double OneCycle_BatchLrTabulated() => _oneCycleTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("OneCycle")]
    public void OneCycle_TorchSharp() => _torchOneCycle!.Step(_counter.Next());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double CyclicInline(int t)
    {
        // PyTorch's CyclicLR, triangular: the rate climbs from base to max in StepSizeUp steps and falls back in as many.
        double cycle = Math.Floor(1.0 + (t / (2.0 * StepSizeUp)));
        double x = Math.Abs((t / (double)StepSizeUp) - (2.0 * cycle) + 1.0);
        return CyclicBase + ((Max - CyclicBase) * Math.Max(0.0, 1.0 - x));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double OneCycleInline(int t)
    {
        // PyTorch's OneCycleLR, two cosine phases: initial -> max until pct_start * T - 1, max -> final until T - 1.
        return t <= OneCycleWarmEnd
            ? AnnealCos(OneCycleInitial, Max, t / OneCycleWarmEnd)
            : AnnealCos(Max, OneCycleFinal, Math.Min(1.0, (t - OneCycleWarmEnd) / (OneCycleEnd - OneCycleWarmEnd)));
    }

    // PyTorch's CosineAnnealingWarmRestarts closed form: cycle n = floor(log_m(t / T0 · (m - 1) + 1)).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double RestartsInline(int t)
    {
        double cycle = Math.Floor(Math.Log((t / Period * (PeriodMultiplier - 1.0)) + 1.0) / LogMultiplier);
        double scale = Math.Pow(PeriodMultiplier, cycle);
        double start = Period * (scale - 1.0) / (PeriodMultiplier - 1.0);
        double length = Period * scale;
        return Min + ((Max - Min) * 0.5 * (1.0 + Math.Cos(Math.PI * (t - start) / length)));
    }

    private static double AnnealCos(double start, double end, double pct) => end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1.0));
}
