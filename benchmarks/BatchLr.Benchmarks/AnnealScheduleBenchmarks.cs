using System;
using System.Runtime.CompilerServices;
using BatchLr.Schedules;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using static TorchSharp.torch.optim;

namespace BatchLr.Benchmarks;

/// <summary>Linear, polynomial and cosine annealing per step: BatchLr, the formula written inline, TorchSharp's scheduler.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class AnnealScheduleBenchmarks
{
    private const double Initial = 0.1;
    private const double Final = 0.001;
    private const double EndFactor = Final / Initial;
    private const int Duration = 900;
    private const double Power = 2.0;

    private readonly LearningRateSchedule _linear = Schedule.Linear(Initial, Final, Duration);
    private readonly LearningRateSchedule _polynomial = Schedule.Polynomial(Initial, 0.0, Duration, Power);
    private readonly LearningRateSchedule _cosine = Schedule.CosineAnnealing(Initial, Final, Duration);
    private StepCounter _counter;
    private LearningRateSchedule? _linearTable;
    private LearningRateSchedule? _polynomialTable;
    private LearningRateSchedule? _cosineTable;
    private TorchSharpScheduler? _torchLinear;
    private TorchSharpScheduler? _torchPolynomial;
    private TorchSharpScheduler? _torchCosine;

    [GlobalSetup]
    public void Setup()
    {
        _linearTable = _linear.Tabulate(StepCounter.Horizon);
        _polynomialTable = _polynomial.Tabulate(StepCounter.Horizon);
        _cosineTable = _cosine.Tabulate(StepCounter.Horizon);
        _torchLinear = new(Initial, o => lr_scheduler.LinearLR(o, start_factor: 1.0, end_factor: EndFactor, total_iters: Duration));
        _torchPolynomial = new(Initial, o => lr_scheduler.PolynomialLR(o, total_iters: Duration, power: Power));
        _torchCosine = new(Initial, o => lr_scheduler.CosineAnnealingLR(o, T_max: Duration, eta_min: Final));
        Equivalence.Check("Linear", _linear, LinearInline);
        Equivalence.Check("Polynomial", _polynomial, PolynomialInline);
        Equivalence.Check("CosineAnnealing", _cosine, CosineAnnealingInline);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _torchLinear?.Dispose();
        _torchPolynomial?.Dispose();
        _torchCosine?.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Linear")]
    public double Linear_Inline() => LinearInline(_counter.Next());

    [Benchmark, BenchmarkCategory("Linear")]
    public double Linear_BatchLr() => _linear.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Linear")]
    public double Linear_BatchLrTabulated() => _linearTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Linear")]
    public void Linear_TorchSharp() => _torchLinear!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("Polynomial")]
    public double Polynomial_Inline() => PolynomialInline(_counter.Next());

    [Benchmark, BenchmarkCategory("Polynomial")]
    public double Polynomial_BatchLr() => _polynomial.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Polynomial")]
    public double Polynomial_BatchLrTabulated() => _polynomialTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Polynomial")]
    public void Polynomial_TorchSharp() => _torchPolynomial!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("CosineAnnealing")]
    public double CosineAnnealing_Inline() => CosineAnnealingInline(_counter.Next());

    [Benchmark, BenchmarkCategory("CosineAnnealing")]
    public double CosineAnnealing_BatchLr() => _cosine.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("CosineAnnealing")]
    public double CosineAnnealing_BatchLrTabulated() => _cosineTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("CosineAnnealing")]
    public void CosineAnnealing_TorchSharp() => _torchCosine!.Step(_counter.Next());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double LinearInline(int t)
    {
        return t >= Duration ? Final : Initial + ((Final - Initial) * t / Duration);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double PolynomialInline(int t)
    {
        return t >= Duration ? 0.0 : Initial * Math.Pow(1.0 - ((double)t / Duration), Power);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double CosineAnnealingInline(int t)
    {
        return t >= Duration ? Final : Final + ((Initial - Final) * 0.5 * (1.0 + Math.Cos(Math.PI * t / Duration)));
    }
}
