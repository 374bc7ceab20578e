using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration;

/// <summary>One spec per type, with the same schedule built in code and its formula written out (base rate 0.1).</summary>
/// <param name="Json">The spec.</param>
/// <param name="Code">The equivalent schedule built with <see cref="Schedule"/>.</param>
/// <param name="Formula">The value at step s, from the formula of the library the type comes from.</param>
/// <param name="Steps">How many steps to compare.</param>
/// <param name="Tolerance">The relative difference allowed between the spec's schedule and <paramref name="Code"/>: 0 where they are built alike, a few ulps where the spec computes the same formula in PyTorch's order of operations.</param>
internal sealed record SpecCase(string Json, Func<LearningRateSchedule> Code, Func<int, double> Formula, int Steps = 30, double Tolerance = 0)
{
    private const double B = 0.1;

    public static IReadOnlyDictionary<string, SpecCase> All { get; } = new Dictionary<string, SpecCase>
    {
        // PyTorch: closed forms at last_epoch = s.
        ["ConstantLR"] = new(
            """{"lr": 0.1, "schedule": {"type": "ConstantLR"}}""",
            () => Schedule.PiecewiseConstant([5], [B * (1.0 / 3.0), B]),
            s => s < 5 ? B / 3.0 : B),
        ["LinearLR"] = new(
            """{"lr": 0.1, "schedule": {"type": "LinearLR", "start_factor": 0.25, "total_iters": 4}}""",
            () => Schedule.Linear(B * 0.25, B, 4),
            s => B * (0.25 + (0.75 * Math.Min(s, 4) / 4.0))),
        ["StepLR"] = new(
            """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "gamma": 0.5}}""",
            () => Schedule.Step(B, 3, 0.5),
            s => B * Math.Pow(0.5, s / 3)),
        ["MultiStepLR"] = new(
            """{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": [2, 5]}}""",
            () => Schedule.MultiStep(B, [2, 5], 0.1),
            s => B * Math.Pow(0.1, (s >= 2 ? 1 : 0) + (s >= 5 ? 1 : 0))),
        ["ExponentialLR"] = new(
            """{"lr": 0.1, "schedule": {"type": "ExponentialLR", "gamma": 0.9}}""",
            () => Schedule.Exponential(B, 0.9),
            s => B * Math.Pow(0.9, s)),
        ["PolynomialLR"] = new(
            """{"lr": 0.1, "schedule": {"type": "PolynomialLR", "total_iters": 8, "power": 2}}""",
            () => Schedule.Polynomial(B, 0, 8, 2),
            s => B * Math.Pow(1 - (Math.Min(s, 8) / 8.0), 2)),
        // PyTorch's CosineAnnealingLR keeps following its cosine past T_max (its recursion and its closed form agree there):
        // down to eta_min at 10, back up to b at 20, down again at 30.
        ["CosineAnnealingLR"] = new(
            """{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": 10, "eta_min": 0.01}}""",
            () => Schedule.Sequence(
                [.. Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? Schedule.CosineAnnealing(B, 0.01, 10) : Schedule.CosineAnnealing(0.01, B, 10))],
                [.. Enumerable.Range(1, 9).Select(i => 10.0 * i)]),
            s => 0.01 + ((B - 0.01) * (1 + Math.Cos(Math.PI * s / 10)) / 2),
            Tolerance: 1e-14),
        ["CosineAnnealingWarmRestarts"] = new(
            """{"lr": 0.1, "schedule": {"type": "CosineAnnealingWarmRestarts", "T_0": 3, "T_mult": 2}}""",
            () => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = B, Period = 3, PeriodMultiplier = 2 }),
            s =>
            {
                // Cycles of 3, 6, 12, ... steps; T_cur counts from the last restart.
                double current = s;
                double length = 3;
                while (current >= length)
                {
                    current -= length;
                    length *= 2;
                }

                return B * (1 + Math.Cos(Math.PI * current / length)) / 2;
            }),
        ["CyclicLR"] = new(
            """{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4}}""",
            () => Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0.01, MaxLearningRate = B, StepSizeUp = 4 }),
            s => 0.01 + ((B - 0.01) * CyclicRamp(s, 4))),
        // PyTorch computes step total_steps too (pct 8/7 of the last phase, the cosine turning back up) and raises after it;
        // the spec holds that value.
        ["OneCycleLR"] = new(
            """{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10}}""",
            () => Schedule.Sequence([Schedule.OneCycle(new OneCycleOptions { MaxLearningRate = B, TotalSteps = 10 }), OneCycle(10, B / 25, B, B / 25 / 1e4)], [10]),
            s => OneCycle(Math.Min(s, 10), B / 25, B, B / 25 / 1e4),
            Steps: 12,
            Tolerance: 1e-14),
        ["SequentialLR"] = new(
            """
            {"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [3], "schedulers": [
              {"type": "ConstantLR", "factor": 0.5, "total_iters": 2},
              {"type": "ExponentialLR", "gamma": 0.9}]}}
            """,
            () => Schedule.Sequence([Schedule.PiecewiseConstant([2], [B * 0.5, B]), Schedule.Exponential(B, 0.9)], [3]),
            s => s < 3 ? (s < 2 ? B * 0.5 : B) : B * Math.Pow(0.9, s - 3)),
        ["ChainedScheduler"] = new(
            """
            {"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [
              {"type": "ConstantLR", "factor": 0.5, "total_iters": 2},
              {"type": "ExponentialLR", "gamma": 0.9}]}}
            """,
            () => Schedule.Product(Schedule.PiecewiseConstant([2], [B * 0.5, B]).Scale(1 / B), Schedule.Exponential(B, 0.9).Scale(1 / B)).Scale(B),
            s => B * (s < 2 ? 0.5 : 1.0) * Math.Pow(0.9, s),
            Tolerance: 1e-15),

        // Hugging Face: lr = b · lambda(s).
        ["linear"] = new(
            """{"lr": 0.1, "schedule": {"type": "linear", "num_warmup_steps": 2, "num_training_steps": 10}}""",
            () => Schedule.Linear(B, 0, 8).WithWarmup(2),
            s => s < 2 ? B * s / 2.0 : B * Math.Max(0, (10 - s) / 8.0)),
        // Hugging Face's cosine lambdas go on past num_training_steps (progress above 1), and so do these.
        ["cosine"] = new(
            """{"lr": 0.1, "schedule": {"type": "cosine", "num_warmup_steps": 2, "num_training_steps": 10}}""",
            () => new BatchLr.Schedules.Families.CosineWaveSchedule(B, 0, 8).WithWarmup(2),
            s => s < 2 ? B * s / 2.0 : B * 0.5 * (1 + Math.Cos(Math.PI * 0.5 * 2 * (s - 2) / 8.0))),
        ["cosine_with_restarts"] = new(
            """{"lr": 0.1, "schedule": {"type": "cosine_with_restarts", "num_training_steps": 12, "num_cycles": 3}}""",
            () => Schedule.Sequence([Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = B, Period = 4 }), 0.0], [12]),
            s => s >= 12 ? 0 : B * 0.5 * (1 + Math.Cos(Math.PI * (3 * (s / 12.0) % 1.0)))),
        ["polynomial"] = new(
            """{"lr": 0.1, "schedule": {"type": "polynomial", "num_warmup_steps": 2, "num_training_steps": 10, "lr_end": 0.01, "power": 2}}""",
            () => Schedule.Polynomial(B, 0.01, 8, 2).WithWarmup(2),
            s => s < 2 ? B * s / 2.0 : s > 10 ? 0.01 : ((B - 0.01) * Math.Pow(1 - ((s - 2) / 8.0), 2)) + 0.01),
        ["constant"] = new(
            """{"lr": 0.1, "schedule": {"type": "constant"}}""",
            () => Schedule.Constant(B),
            _ => B),
        ["constant_with_warmup"] = new(
            """{"lr": 0.1, "schedule": {"type": "constant_with_warmup", "num_warmup_steps": 4}}""",
            () => Schedule.Constant(B).WithWarmup(4),
            s => s < 4 ? B * s / 4.0 : B),
        ["inverse_sqrt"] = new(
            """{"lr": 0.1, "schedule": {"type": "inverse_sqrt", "num_warmup_steps": 4}}""",
            () => Schedule.InverseSqrt(B, 4).WithWarmup(4),
            s => s < 4 ? B * s / 4.0 : B / Math.Sqrt((s + 4 - 4) / 4.0)),
        ["cosine_with_min_lr"] = new(
            """{"lr": 0.1, "schedule": {"type": "cosine_with_min_lr", "num_training_steps": 10, "min_lr_rate": 0.1}}""",
            () => new BatchLr.Schedules.Families.CosineWaveSchedule(B, B * 0.1, 10),
            s => B * ((0.5 * (1 + Math.Cos(Math.PI * s / 10.0)) * (1 - 0.1)) + 0.1)),
        ["cosine_warmup_with_min_lr"] = new(
            """{"lr": 0.1, "schedule": {"type": "cosine_warmup_with_min_lr", "num_warmup_steps": 4, "num_training_steps": 12, "min_lr_rate": 0.1}}""",
            () => Schedule.Sequence(
                [Schedule.PiecewiseLinear([0.0, 3.0], [B / 4, B]), new BatchLr.Schedules.Composition.ShiftedSchedule(new BatchLr.Schedules.Families.CosineWaveSchedule(B, B * 0.1, 8), 1.0)],
                [4]),
            s => s < 4 ? B * (s + 1) / 4.0 : B * ((0.5 * (1 + Math.Cos(Math.PI * (s - 4 + 1) / 8.0)) * (1 - 0.1)) + 0.1)),
        ["warmup_stable_decay"] = new(
            """{"lr": 0.1, "schedule": {"type": "warmup_stable_decay", "num_warmup_steps": 2, "num_decay_steps": 4, "num_training_steps": 10}}""",
            () => Schedule.WarmupStableDecay(new WarmupStableDecayOptions { PeakValue = B, WarmupSteps = 2, StableSteps = 4, DecaySteps = 4 }),
            s => s < 2 ? B * s / 2.0 : s < 6 ? B : s < 10 ? B * 0.5 * (1 + Math.Cos(Math.PI * (s - 6) / 4.0)) : 0),

        // BatchLr's own names.
        ["exponential_decay"] = new(
            """{"lr": 0.1, "schedule": {"type": "exponential_decay", "decay_rate": 0.5, "decay_steps": 4, "staircase": true}}""",
            () => Schedule.Exponential(B, 0.5, 4, staircase: true),
            s => B * Math.Pow(0.5, Math.Floor(s / 4.0))),
        ["inverse_time_decay"] = new(
            """{"lr": 0.1, "schedule": {"type": "inverse_time_decay", "decay_rate": 1, "decay_steps": 2}}""",
            () => Schedule.InverseTime(B, 1, 2),
            s => B / (1 + (s / 2.0))),
        ["polynomial_decay"] = new(
            """{"lr": 0.1, "schedule": {"type": "polynomial_decay", "decay_steps": 4, "end_learning_rate": 0.01, "power": 2, "cycle": true}}""",
            () => Schedule.Polynomial(B, 0.01, 4, 2, cycle: true),
            s =>
            {
                // Keras PolynomialDecay with cycle: decay_steps · ceil(step / decay_steps), the multiplier 1 at step 0.
                double horizon = 4 * (s == 0 ? 1 : Math.Ceiling(s / 4.0));
                return ((B - 0.01) * Math.Pow(1 - (s / horizon), 2)) + 0.01;
            }),
        ["cosine_decay"] = new(
            """{"lr": 0.1, "schedule": {"type": "cosine_decay", "decay_steps": 10, "alpha": 0.1, "exponent": 2}}""",
            () => Schedule.CosineAnnealing(B, B * 0.1, 10, exponent: 2),
            s =>
            {
                // optax cosine_decay_schedule: count = min(count, decay_steps), (1 - alpha) · (0.5 (1 + cos(π count / T)))^exponent + alpha.
                double cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(s, 10) / 10.0));
                return B * ((0.9 * cosine * cosine) + 0.1);
            }),
        ["cosine_decay_restarts"] = new(
            """{"lr": 0.1, "schedule": {"type": "cosine_decay_restarts", "first_decay_steps": 4, "t_mul": 2, "m_mul": 0.5, "alpha": 0.1}}""",
            () => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = B, MinValue = B * 0.1, Period = 4, PeriodMultiplier = 2, AmplitudeDecay = 0.5 }),
            s =>
            {
                // Keras CosineDecayRestarts, as its test's np_cosine_decay_restarts walks the cycles: each lasts t_mul times
                // the one before and scales the cosine by m_mul; lr = b · ((1 - alpha) · fac · 0.5 (1 + cos(π t / T)) + alpha).
                double step = s;
                double length = 4;
                double fac = 1;
                while (step >= length)
                {
                    step -= length;
                    length *= 2;
                    fac *= 0.5;
                }

                return B * ((0.9 * fac * 0.5 * (1 + Math.Cos(Math.PI * step / length))) + 0.1);
            }),
        ["piecewise_constant"] = new(
            """{"lr": 0.1, "schedule": {"type": "piecewise_constant", "boundaries": [3, 6], "values": [0.1, 0.05, 0.01]}}""",
            () => Schedule.PiecewiseConstant([3, 6], [0.1, 0.05, 0.01]),
            s => s < 3 ? 0.1 : s < 6 ? 0.05 : 0.01),
        ["piecewise_linear"] = new(
            """{"lr": 0.1, "schedule": {"type": "piecewise_linear", "positions": [0, 10], "values": [0, 0.1]}}""",
            () => Schedule.PiecewiseLinear([0, 10], [0, 0.1]),
            s => 0.1 * Math.Min(s, 10) / 10.0),
        ["noam"] = new(
            """{"lr": 0.1, "schedule": {"type": "noam", "model_size": 16, "warmup_steps": 4, "factor": 2}}""",
            () => Schedule.Noam(16, 4, 2),
            s => s == 0 ? 0 : 2 * Math.Pow(16, -0.5) * Math.Min(Math.Pow(s, -0.5), s * Math.Pow(4, -1.5))),
        ["tanh_decay"] = new(
            """{"lr": 0.1, "schedule": {"type": "tanh_decay", "t_initial": 10, "lr_min": 0.01}}""",
            () => Schedule.TanhDecay(new RestartsOptions { MaxValue = B, MinValue = 0.01, Period = 10, CycleLimit = 1 }),
            s => s >= 10 ? 0.01 : 0.01 + (0.5 * (B - 0.01) * (1 - Math.Tanh((-7 * (1 - (s / 10.0))) + (3 * s / 10.0))))),
        ["cosine_timm"] = new(
            """{"lr": 0.1, "schedule": {"type": "cosine_timm", "t_initial": 10, "warmup_t": 2, "warmup_lr_init": 0.01}}""",
            () => Schedule.Sequence(
                [Schedule.Linear(0.01, B, 2), Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = B, Period = 10, CycleLimit = 1 })],
                [2],
                restartClocks: false),
            s => s < 2 ? 0.01 + (s * (B - 0.01) / 2) : s >= 10 ? 0 : 0.5 * B * (1 + Math.Cos(Math.PI * s / 10.0))),
        ["poly_timm"] = new(
            """{"lr": 0.1, "schedule": {"type": "poly_timm", "t_initial": 10, "power": 2, "lr_min": 0.01, "k_decay": 1.5, "warmup_t": 2, "warmup_lr_init": 0.02}}""",
            () => Schedule.Sequence(
                [Schedule.Linear(0.02, B, 2), Schedule.PolynomialWithRestarts(new RestartsOptions { MaxValue = B, MinValue = 0.01, Period = 10, CycleLimit = 1, KDecay = 1.5 }, power: 2)],
                [2],
                restartClocks: false),
            // timm PolyLRScheduler._get_lr: the warmup rises to b by (b - init) / warmup_t a step; then, on the same clock,
            // lr_min + (b - lr_min) (1 - t^k / t_initial^k)^power, and lr_min from cycle_limit (one cycle) on.
            s => s < 2 ? 0.02 + (s * (B - 0.02) / 2) : s >= 10 ? 0.01 : 0.01 + ((B - 0.01) * Math.Pow(1 - (Math.Pow(s, 1.5) / Math.Pow(10, 1.5)), 2))),
        ["warmup"] = new(
            """{"lr": 0.1, "schedule": {"type": "warmup", "warmup_steps": 2, "schedule": {"type": "StepLR", "step_size": 3, "gamma": 0.5}}}""",
            () => Schedule.Step(B, 3, 0.5).WithWarmup(2),
            s => s < 2 ? B * s / 2.0 : B * Math.Pow(0.5, (s - 2) / 3)),
        ["clamp"] = new(
            """{"lr": 0.1, "schedule": {"type": "clamp", "min": 0.02, "schedule": {"type": "ExponentialLR", "gamma": 0.5}}}""",
            () => Schedule.Exponential(B, 0.5).Clamp(0.02, double.PositiveInfinity),
            s => Math.Max(B * Math.Pow(0.5, s), 0.02)),
        ["scale"] = new(
            """{"lr": 0.1, "schedule": {"type": "scale", "factor": 2, "schedule": {"type": "constant"}}}""",
            () => Schedule.Constant(B).Scale(2),
            _ => 2 * B),
    };

    /// <summary>PyTorch CyclicLR's triangular ramp: cycle = floor(1 + s / (2·up)), x = |s / up - 2·cycle + 1|, max(0, 1 - x).</summary>
    public static double CyclicRamp(int s, double up)
    {
        double cycle = Math.Floor(1 + (s / (2 * up)));
        double x = Math.Abs((s / up) - (2 * cycle) + 1);
        return Math.Max(0, 1 - x);
    }

    /// <summary>PyTorch OneCycleLR's two cosine phases over 10 steps with pct_start 0.3: ends at 0.3·10 - 1 = 2 and 10 - 1 = 9 (step 10 is pct 8/7 of the second).</summary>
    public static double OneCycle(int s, double start, double peak, double end)
    {
        static double Cos(double from, double to, double pct) => to + ((from - to) / 2 * (Math.Cos(Math.PI * pct) + 1));
        return s <= 2 ? Cos(start, peak, s / 2.0) : Cos(peak, end, (s - 2) / 7.0);
    }
}
