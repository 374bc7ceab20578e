using System;
using System.Runtime.CompilerServices;
using BatchLr.Schedules;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using static TorchSharp.torch.optim;

namespace BatchLr.Benchmarks;

/// <summary>Step, multistep and exponential decay per step: BatchLr, the formula written inline, TorchSharp's scheduler.</summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class DecayScheduleBenchmarks
{
    private const double Initial = 0.1;
    private const double Gamma = 0.1;
    private const int StepSize = 30;
    private const double Rate = 0.99;
    private static readonly int[] Milestones = [300, 600, 900];

    private readonly LearningRateSchedule _step = Schedule.Step(Initial, StepSize, Gamma);
    private readonly LearningRateSchedule _multiStep = Schedule.MultiStep(Initial, [300, 600, 900], Gamma);
    private readonly LearningRateSchedule _exponential = Schedule.Exponential(Initial, Rate);
    private StepCounter _counter;
    private LearningRateSchedule? _stepTable;
    private LearningRateSchedule? _multiStepTable;
    private LearningRateSchedule? _exponentialTable;
    private TorchSharpScheduler? _torchStep;
    private TorchSharpScheduler? _torchMultiStep;
    private TorchSharpScheduler? _torchExponential;

    [GlobalSetup]
    public void Setup()
    {
        _stepTable = _step.Tabulate(StepCounter.Horizon);
        _multiStepTable = _multiStep.Tabulate(StepCounter.Horizon);
        _exponentialTable = _exponential.Tabulate(StepCounter.Horizon);
        _torchStep = new(Initial, o => lr_scheduler.StepLR(o, StepSize, Gamma));
        _torchMultiStep = new(Initial, o => lr_scheduler.MultiStepLR(o, Milestones, Gamma));
        _torchExponential = new(Initial, o => lr_scheduler.ExponentialLR(o, Rate));
        Equivalence.Check("Step", _step, StepInline);
        Equivalence.Check("MultiStep", _multiStep, MultiStepInline);
        Equivalence.Check("Exponential", _exponential, ExponentialInline);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _torchStep?.Dispose();
        _torchMultiStep?.Dispose();
        _torchExponential?.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Step")]
    public double Step_Inline() => StepInline(_counter.Next());

    [Benchmark, BenchmarkCategory("Step")]
    public double Step_BatchLr() => _step.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Step")]
    public double Step_BatchLrTabulated() => _stepTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Step")]
    public void Step_TorchSharp() => _torchStep!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("MultiStep")]
    public double MultiStep_Inline() => MultiStepInline(_counter.Next());

    [Benchmark, BenchmarkCategory("MultiStep")]
    public double MultiStep_BatchLr() => _multiStep.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("MultiStep")]
    public double MultiStep_BatchLrTabulated() => _multiStepTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("MultiStep")]
    public void MultiStep_TorchSharp() => _torchMultiStep!.Step(_counter.Next());

    [Benchmark(Baseline = true), BenchmarkCategory("Exponential")]
    public double Exponential_Inline() => ExponentialInline(_counter.Next());

    [Benchmark, BenchmarkCategory("Exponential")]
    public double Exponential_BatchLr() => _exponential.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Exponential")]
    public double Exponential_BatchLrTabulated() => _exponentialTable!.Evaluate(_counter.Next());

    [Benchmark, BenchmarkCategory("Exponential")]
    public void Exponential_TorchSharp() => _torchExponential!.Step(_counter.Next());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double StepInline(int t) => Initial * Math.Pow(Gamma, Math.Floor(t / (double)StepSize));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double MultiStepInline(int t)
    {
        int passed = 0;
        foreach (int milestone in Milestones)
        {
            if (t >= milestone)
            {
                passed++;
            }
        }

        return Initial * Math.Pow(Gamma, passed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double ExponentialInline(int t) => Initial * Math.Pow(Rate, t);
}
