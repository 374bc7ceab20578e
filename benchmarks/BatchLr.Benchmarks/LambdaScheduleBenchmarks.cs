using System;
using System.Runtime.CompilerServices;
using BatchLr.Schedules;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using static TorchSharp.torch.optim;

namespace BatchLr.Benchmarks;

/// <summary>
/// Families TorchSharp has no scheduler class for (Hugging Face's inverse_sqrt and warmup_stable_decay, timm's tanh,
/// optax's piecewise linear, Keras' inverse time), per step: BatchLr, the formula inline, and TorchSharp's
/// <c>LambdaLR</c> carrying the same formula, which is how Hugging Face runs them on PyTorch.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class LambdaScheduleBenchmarks
{
    private const double Peak = 0.1;
    private const double Floor = 0.001;
    private const int Warmup = 100;
    private const int Stable = 400;
    private const int Decay = 500;
    private const double DecayRate = 0.5;
    private const double DecaySteps = 100;

    private readonly LearningRateSchedule _inverseSqrt = Schedule.InverseSqrt(Peak, Warmup).WithWarmup(Warmup);

    private readonly LearningRateSchedule _wsd = Schedule.WarmupStableDecay(
        new WarmupStableDecayOptions { PeakValue = Peak, WarmupSteps = Warmup, StableSteps = Stable, DecaySteps = Decay });

    private readonly LearningRateSchedule _tanh = Schedule.TanhDecay(new RestartsOptions { MaxValue = Peak, MinValue = Floor, Period = StepCounter.Horizon });

    private readonly LearningRateSchedule _piecewise = Schedule.PiecewiseLinear([0, 100, 300, 700, 1000], [0.0, Peak, 0.05, 0.02, Floor]);

    private readonly LearningRateSchedule _inverseTime = Schedule.InverseTime(Peak, DecayRate, DecaySteps);

    private static readonly double[] PiecewisePositions = [0, 100, 300, 700, 1000];
    private static readonly double[] PiecewiseValues = [0.0, Peak, 0.05, 0.02, Floor];

    private StepCounter _counter;
    private LearningRateSchedule? _inverseSqrtTable;
    private LearningRateSchedule? _wsdTable;
    private LearningRateSchedule? _tanhTable;
    private LearningRateSchedule? _piecewiseTable;
    private LearningRateSchedule? _inverseTimeTable;
    private TorchSharpScheduler? _torchInverseSqrt;
    private TorchSharpScheduler? _torchWsd;
    private TorchSharpScheduler? _torchTanh;
    private TorchSharpScheduler? _torchPiecewise;
    private TorchSharpScheduler? _torchInverseTime;

    [GlobalSetup]
    public void Setup()
    {
        _inverseSqrtTable = _inverseSqrt.Tabulate(StepCounter.Horizon);
        _wsdTable = _wsd.Tabulate(StepCounter.Horizon);
        _tanhTable = _tanh.Tabulate(StepCounter.Horizon);
        _piecewiseTable = _piecewise.Tabulate(StepCounter.Horizon);
        _inverseTimeTable = _inverseTime.Tabulate(StepCounter.Horizon);
        _torchInverseSqrt = new(Peak, o => lr_scheduler.LambdaLR(o, t => InverseSqrtInline(t) / Peak));
        _torchWsd = new(Peak, o => lr_scheduler.LambdaLR(o, t => WsdInline(t) / Peak));
        _torchTanh = new(Peak, o => lr_scheduler.LambdaLR(o, t => TanhInline(t) / Peak));
        _torchPiecewise = new(Peak, o => lr_scheduler.LambdaLR(o, t => PiecewiseInline(t) / Peak));
        _torchInverseTime = new(Peak, o => lr_scheduler.LambdaLR(o, t => InverseTimeInline(t) / Peak));
        Equivalence.Check("InverseSqrt", _inverseSqrt, InverseSqrtInline);
        Equivalence.Check("WarmupStableDecay", _wsd, WsdInline);
        Equivalence.Check("Tanh", _tanh, TanhInline);
        Equivalence.Check("PiecewiseLinear", _piecewise, PiecewiseInline);
        Equivalence.Check("InverseTime", _inverseTime, InverseTimeInline);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _torchInverseSqrt?.Dispose();
        _torchWsd?.Dispose();
        _torchTanh?.Dispose();
        _torchPiecewise?.Dispose();
        _torchInverseTime?.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("InverseSqrt")]
    public double InverseSqrt_Inline() => InverseSqrtInline(_counter.Next());

    [Benchmark, BenchmarkCategory("InverseSqrt")]
    public double InverseSqrt_BatchLr() => _inverseSqrt.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("InverseSqrt")]
    public double InverseSqrt_BatchLrTabulated() => _inverseSqrtTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("InverseSqrt")]
    public void InverseSqrt_TorchSharp() => _torchInverseSqrt!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("WarmupStableDecay")]
    public double WarmupStableDecay_Inline() => WsdInline(_counter.Next());

    [Benchmark, BenchmarkCategory("WarmupStableDecay")]
    public double WarmupStableDecay_BatchLr() => _wsd.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("WarmupStableDecay")]
    public double WarmupStableDecay_BatchLrTabulated() => _wsdTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("WarmupStableDecay")]
    public void WarmupStableDecay_TorchSharp() => _torchWsd!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("Tanh")]
    public double Tanh_Inline() => TanhInline(_counter.Next());

    [Benchmark, BenchmarkCategory("Tanh")]
    public double Tanh_BatchLr() => _tanh.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Tanh")]
    public double Tanh_BatchLrTabulated() => _tanhTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Tanh")]
    public void Tanh_TorchSharp() => _torchTanh!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("PiecewiseLinear")]
    public double PiecewiseLinear_Inline() => PiecewiseInline(_counter.Next());

    [Benchmark, BenchmarkCategory("PiecewiseLinear")]
    public double PiecewiseLinear_BatchLr() => _piecewise.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("PiecewiseLinear")]
    public double PiecewiseLinear_BatchLrTabulated() => _piecewiseTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("PiecewiseLinear")]
    public void PiecewiseLinear_TorchSharp() => _torchPiecewise!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("InverseTime")]
    public double InverseTime_Inline() => InverseTimeInline(_counter.Next());

    [Benchmark, BenchmarkCategory("InverseTime")]
    public double InverseTime_BatchLr() => _inverseTime.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("InverseTime")]
    public double InverseTime_BatchLrTabulated() => _inverseTimeTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("InverseTime")]
    public void InverseTime_TorchSharp() => _torchInverseTime!.Step(_counter.Next());

    // Hugging Face's inverse_sqrt: t / W during warmup, then 1 / sqrt((t + timescale - W) / timescale), timescale = W.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double InverseSqrtInline(int t) =>
        t < Warmup ? Peak * t / Warmup : Peak / Math.Sqrt((t - Warmup + (double)Warmup) / Warmup);

    // Hugging Face's warmup_stable_decay with linear warmup and cosine decay to 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double WsdInline(int t)
    {
        if (t < Warmup)
        {
            return Peak * t / Warmup;
        }

        if (t < Warmup + Stable)
        {
            return Peak;
        }

        double p = Math.Min(1.0, (t - Warmup - Stable) / (double)Decay);
        return Peak * 0.5 * (1.0 + Math.Cos(Math.PI * p));
    }

    // timm's TanhLRScheduler, one cycle: lr_min + (lr_max - lr_min) · (1 - tanh(lb (1 - p) + ub p)) / 2.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double TanhInline(int t)
    {
        double p = t / (double)StepCounter.Horizon;
        return Floor + ((Peak - Floor) * 0.5 * (1.0 - Math.Tanh((-7.0 * (1.0 - p)) + (3.0 * p))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double PiecewiseInline(int t)
    {
        int i = 1;
        while (i < PiecewisePositions.Length - 1 && t >= PiecewisePositions[i])
        {
            i++;
        }

        double x0 = PiecewisePositions[i - 1];
        double p = (t - x0) / (PiecewisePositions[i] - x0);
        return PiecewiseValues[i - 1] + ((PiecewiseValues[i] - PiecewiseValues[i - 1]) * p);
    }

    // Keras' InverseTimeDecay: initial / (1 + rate · t / steps).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double InverseTimeInline(int t) => Peak / (1.0 + (DecayRate * t / DecaySteps));
}
