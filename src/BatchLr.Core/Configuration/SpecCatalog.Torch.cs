using System.Collections.Generic;
using BatchLr.Schedules;

namespace BatchLr.Configuration;

/// <content>PyTorch's <c>torch.optim.lr_scheduler</c> classes, with their parameter names and defaults.</content>
internal static partial class SpecCatalog
{
    private static IEnumerable<SpecType> TorchTypes()
    {
        yield return new SpecType(
            "ConstantLR",
            [SpecParameter.Number("factor", 1.0 / 3.0).Within(SpecRange.Fraction), SpecParameter.Number("total_iters", 5).AsPosition().Within(SpecRange.NotNegative)],
            static (node, c) =>
            {
                double factor = node.Number("factor");
                if (!(factor is >= 0 and <= 1))
                {
                    throw SpecErrors.Invalid(node.Path + ".factor", factor, "between 0 and 1 inclusive");
                }

                return SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.PiecewiseConstant([node.Number("total_iters")], [c.BaseRate * factor, c.BaseRate]),
                    ("boundaries", "total_iters"));
            });

        yield return new SpecType(
            "LinearLR",
            [SpecParameter.Number("start_factor", 1.0 / 3.0).Within(new SpecRange(0, true, 1, false)), SpecParameter.Number("end_factor", 1.0).Within(SpecRange.Fraction), SpecParameter.Number("total_iters", 5).AsPosition().Within(SpecRange.NotNegative)],
            static (node, c) =>
            {
                double start = node.Number("start_factor");
                double end = node.Number("end_factor");
                if (!(start is > 0 and <= 1))
                {
                    throw SpecErrors.Invalid(node.Path + ".start_factor", start, "greater than 0 and at most 1");
                }

                if (!(end is >= 0 and <= 1))
                {
                    throw SpecErrors.Invalid(node.Path + ".end_factor", end, "between 0 and 1 inclusive");
                }

                // total_iters 0 is a line already over: end_factor from step 0, as ConstantLR's 0 is its factor never applied.
                // (PyTorch's recursion applies start_factor for good instead: pytorch/pytorch#193682, open.)
                double total = node.Number("total_iters");
                return total == 0
                    ? Schedule.Constant(c.BaseRate * end)
                    : SpecErrors.Call(
                        node,
                        c,
                        () => Schedule.Linear(c.BaseRate * start, c.BaseRate * end, total),
                        ("duration", "total_iters"));
            });

        yield return new SpecType(
            "StepLR",
            [SpecParameter.Number("step_size").AsPosition().Within(SpecRange.Positive), SpecParameter.Number("gamma", 0.1).Within(SpecRange.Positive)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => node.Number("gamma") > 1
                    ? Schedule.BoundedExponential(c.BaseRate, node.Number("gamma"), double.MaxValue, node.Number("step_size"), staircase: true)
                    : Schedule.Step(c.BaseRate, node.Number("step_size"), node.Number("gamma")),
                ("initial", "@lr"),
                ("stepSize", "step_size"),
                ("interval", "step_size"),
                ("rate", "gamma"),
                ("gamma", "gamma")));

        yield return new SpecType(
            "MultiStepLR",
            [SpecParameter.Numbers("milestones").AsPosition().Within(SpecRange.NotNegative), SpecParameter.Number("gamma", 0.1).Within(SpecRange.Positive)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.MultiStep(c.BaseRate, node.Numbers("milestones"), node.Number("gamma")),
                ("initial", "@lr"),
                ("milestones", "milestones"),
                ("gamma", "gamma")));

        yield return new SpecType(
            "ExponentialLR",
            [SpecParameter.PerGroup("gamma").Within(SpecRange.Positive)], // per group: what per-group LambdaLR exponentials are
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => node.PerGroup("gamma", c.Group) is var gamma && gamma > 1
                    ? Schedule.BoundedExponential(c.BaseRate, gamma, double.MaxValue) // PyTorch grows without end: hold the largest double
                    : Schedule.Exponential(c.BaseRate, gamma),
                ("initial", "@lr"),
                ("rate", "gamma")));

        yield return new SpecType(
            "PolynomialLR",
            [SpecParameter.Number("total_iters", 5).AsPosition().Within(SpecRange.NotNegative), SpecParameter.Number("power", 1.0).Within(SpecRange.Positive)],
            static (node, c) => node.Number("total_iters") == 0
                ? SpecErrors.Call(node, c, () => Schedule.Constant(c.BaseRate), ("value", "@lr")) // PyTorch's recursion never decays an empty window
                : SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.Polynomial(c.BaseRate, 0.0, node.Number("total_iters"), node.Number("power")),
                    ("initial", "@lr"),
                    ("duration", "total_iters"),
                    ("power", "power")));

        yield return new SpecType(
            "CosineAnnealingLR",
            [SpecParameter.Number("T_max").AsPosition().Within(SpecRange.Positive), SpecParameter.Number("eta_min", 0.0).Within(SpecRange.NotNegative)],
            static (node, c) => CosineAnnealing(node, c, c.BaseRate, c.BaseRate));

        yield return new SpecType(
            "CosineAnnealingWarmRestarts",
            [SpecParameter.Integer("T_0").AsPosition().Within(SpecRange.AtLeast(1)), SpecParameter.Integer("T_mult", 1).Within(SpecRange.AtLeast(1)), SpecParameter.Number("eta_min", 0.0).Within(SpecRange.NotNegative)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.CosineWithRestarts(new RestartsOptions
                {
                    MaxValue = c.BaseRate,
                    MinValue = node.Number("eta_min"),
                    Period = node.Number("T_0"),
                    PeriodMultiplier = node.Number("T_mult"),
                }),
                ("MaxValue", "@lr"),
                ("MinValue", "eta_min"),
                ("Period", "T_0"),
                ("PeriodMultiplier", "T_mult")));

        yield return new SpecType(
            "CyclicLR",
            [
                SpecParameter.PerGroup("base_lr").Within(SpecRange.NotNegative),
                SpecParameter.PerGroup("max_lr").Within(SpecRange.NotNegative),
                SpecParameter.Number("step_size_up", 2000).AsPosition().Within(SpecRange.Positive),
                SpecParameter.OptionalNumber("step_size_down").AsPosition().Within(SpecRange.Positive),
                SpecParameter.Choice("mode", "triangular", "triangular", "triangular2", "exp_range"),
                SpecParameter.Number("gamma", 1.0).Within(SpecRange.Positive),
                SpecParameter.OptionalChoice("scale_mode", "cycle", "iterations"),
                SpecParameter.Flag("cycle_momentum", true),
                SpecParameter.PerGroup("base_momentum", 0.8).Within(SpecRange.NotNegative),
                SpecParameter.PerGroup("max_momentum", 0.9).Within(SpecRange.NotNegative),
            ],
            static (node, c) => CyclicCall(node, c, static o => Schedule.Cyclic(o)))
        {
            Momentum = static (node, c) => node.Flag("cycle_momentum") ? CyclicCall(node, c, static o => Schedule.CyclicMomentum(o)) : null,
        };

        yield return new SpecType(
            "OneCycleLR",
            [
                SpecParameter.PerGroup("max_lr").Within(SpecRange.Positive),
                SpecParameter.OptionalInteger("total_steps").AsPosition().Within(SpecRange.Positive),
                SpecParameter.OptionalInteger("epochs").Within(SpecRange.AtLeast(1)),
                SpecParameter.OptionalInteger("steps_per_epoch").Within(SpecRange.AtLeast(1)),
                SpecParameter.Number("pct_start", 0.3).Within(SpecRange.Fraction),
                SpecParameter.Choice("anneal_strategy", "cos", "cos", "linear"),
                SpecParameter.Flag("cycle_momentum", true),
                SpecParameter.PerGroup("base_momentum", 0.85).Within(SpecRange.NotNegative),
                SpecParameter.PerGroup("max_momentum", 0.95).Within(SpecRange.NotNegative),
                SpecParameter.Number("div_factor", 25.0).Within(SpecRange.Positive),
                SpecParameter.Number("final_div_factor", 1e4).Within(SpecRange.Positive),
                SpecParameter.Flag("three_phase", false),
            ],
            static (node, c) => OneCycleCall(node, c, static o => Schedule.OneCycleThroughTotal(o, momentum: false)))
        {
            Momentum = static (node, c) => node.Flag("cycle_momentum") ? OneCycleCall(node, c, static o => Schedule.OneCycleThroughTotal(o, momentum: true)) : null,
            Check = static node =>
            {
                bool total = node.Get("total_steps") is not null; // a number, or a position with a unit until the build
                bool epochs = node.NullableNumber("epochs") is not null;
                bool perEpoch = node.NullableNumber("steps_per_epoch") is not null;
                if (total && (epochs || perEpoch))
                {
                    throw SpecErrors.Invalid(node.Path + (epochs ? ".epochs" : ".steps_per_epoch"), "given with total_steps", "left out (or null) when total_steps is given");
                }

                if (!total && !(epochs && perEpoch))
                {
                    string missing = epochs ? ".steps_per_epoch" : perEpoch ? ".epochs" : ".total_steps";
                    throw SpecErrors.Missing(node.Path + missing, "OneCycleLR, which needs total_steps, or epochs and steps_per_epoch,");
                }

                foreach (string field in new[] { "epochs", "steps_per_epoch" })
                {
                    if (node.NullableNumber(field) is { } count && count < 1)
                    {
                        throw SpecErrors.Invalid(node.Path + "." + field, count, "a whole number 1 or more");
                    }
                }
            },
        };

        yield return new SpecType(
            "SequentialLR",
            [SpecParameter.Schedules("schedulers"), SpecParameter.Numbers("milestones").AsPosition().Within(SpecRange.Positive)],
            static (node, c) => Sequential(node, Composite(node, c)))
        {
            Momentum = static (node, c) => SequentialMomentum(node, Composite(node, c)),
        };

        yield return new SpecType(
            "ChainedScheduler",
            [SpecParameter.Schedules("schedulers")],
            static (node, c) => Chained(node, Composite(node, c)))
        {
            Momentum = static (node, c) => ChainedMomentum(node, Composite(node, c)),
        };

        yield return new SpecType("ReduceLROnPlateau", PlateauParameters(), null);
    }

    private static LearningRateSchedule CyclicCall(SpecNode node, BuildContext c, System.Func<CyclicOptions, LearningRateSchedule> factory)
    {
        // PyTorch applies scale_mode only with a custom scale_fn, which JSON cannot carry; with the built-in modes it
        // uses cycles for triangular and triangular2 and iterations for exp_range, whatever scale_mode says.
        var options = new CyclicOptions
        {
            BaseLearningRate = node.PerGroup("base_lr", c.Group),
            MaxLearningRate = node.PerGroup("max_lr", c.Group),
            StepSizeUp = node.Number("step_size_up"),
            StepSizeDown = node.NullableNumber("step_size_down"),
            Mode = node.Text("mode") switch
            {
                "triangular2" => CyclicMode.Triangular2,
                "exp_range" => CyclicMode.ExpRange,
                _ => CyclicMode.Triangular,
            },
            Gamma = node.Number("gamma"),
            BaseMomentum = node.PerGroup("base_momentum", c.Group),
            MaxMomentum = node.PerGroup("max_momentum", c.Group),
        };
        return SpecErrors.Call(
            node,
            c,
            () => factory(options),
            ("BaseLearningRate", "base_lr"),
            ("MaxLearningRate", "max_lr"),
            ("StepSizeUp", "step_size_up"),
            ("StepSizeDown", "step_size_down"),
            ("Gamma", "gamma"),
            ("BaseMomentum", "base_momentum"),
            ("MaxMomentum", "max_momentum"));
    }

    private static LearningRateSchedule OneCycleCall(SpecNode node, BuildContext c, System.Func<OneCycleOptions, LearningRateSchedule> factory)
    {
        double? total = node.NullableNumber("total_steps");
        var options = new OneCycleOptions
        {
            MaxLearningRate = node.PerGroup("max_lr", c.Group),
            TotalSteps = total ?? (node.Number("epochs") * node.Number("steps_per_epoch")),
            PctStart = node.Number("pct_start"),
            AnnealStrategy = Shape(node.Text("anneal_strategy")),
            DivFactor = node.Number("div_factor"),
            FinalDivFactor = node.Number("final_div_factor"),
            ThreePhase = node.Flag("three_phase"),
            BaseMomentum = node.PerGroup("base_momentum", c.Group),
            MaxMomentum = node.PerGroup("max_momentum", c.Group),
        };
        return SpecErrors.Call(
            node,
            c,
            () => factory(options),
            ("MaxLearningRate", "max_lr"),
            ("TotalSteps", total is null ? "epochs" : "total_steps"),
            ("PctStart", "pct_start"),
            ("DivFactor", "div_factor"),
            ("FinalDivFactor", "final_div_factor"),
            ("BaseMomentum", "base_momentum"),
            ("MaxMomentum", "max_momentum"));
    }
}
