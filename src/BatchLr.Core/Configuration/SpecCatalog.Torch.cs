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
            [SpecParameter.Number("start_factor", 1.0 / 3.0).Within(new SpecRange(0, true, 1, false)), SpecParameter.Number("end_factor", 1.0).Within(SpecRange.Fraction), SpecParameter.Number("total_iters", 5).AsPosition().Within(SpecRange.Positive)],
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

                return SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.Linear(c.BaseRate * start, c.BaseRate * end, node.Number("total_iters")),
                    ("duration", "total_iters"));
            });

        yield return new SpecType(
            "StepLR",
            [SpecParameter.Number("step_size").AsPosition().Within(SpecRange.Positive), SpecParameter.Number("gamma", 0.1).Within(SpecRange.Positive)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.Step(c.BaseRate, node.Number("step_size"), node.Number("gamma")),
                ("initial", "@lr"),
                ("stepSize", "step_size"),
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
            [SpecParameter.Number("gamma").Within(SpecRange.Positive)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.Exponential(c.BaseRate, node.Number("gamma")),
                ("initial", "@lr"),
                ("rate", "gamma")));

        yield return new SpecType(
            "PolynomialLR",
            [SpecParameter.Number("total_iters", 5).AsPosition().Within(SpecRange.Positive), SpecParameter.Number("power", 1.0).Within(SpecRange.Positive)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.Polynomial(c.BaseRate, 0.0, node.Number("total_iters"), node.Number("power")),
                ("initial", "@lr"),
                ("duration", "total_iters"),
                ("power", "power")));

        yield return new SpecType(
            "CosineAnnealingLR",
            [SpecParameter.Number("T_max").AsPosition().Within(SpecRange.Positive), SpecParameter.Number("eta_min", 0.0).Within(SpecRange.NotNegative)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.CosineAnnealing(c.BaseRate, node.Number("eta_min"), node.Number("T_max")),
                ("initial", "@lr"),
                ("minimum", "eta_min"),
                ("duration", "T_max")));

        yield return new SpecType(
            "CosineAnnealingWarmRestarts",
            [SpecParameter.Number("T_0").AsPosition().Within(SpecRange.Positive), SpecParameter.Integer("T_mult", 1).Within(SpecRange.AtLeast(1)), SpecParameter.Number("eta_min", 0.0).Within(SpecRange.NotNegative)],
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
                SpecParameter.Number("pct_start", 0.3).Within(new SpecRange(0, true, 1, true)),
                SpecParameter.Choice("anneal_strategy", "cos", "cos", "linear"),
                SpecParameter.Flag("cycle_momentum", true),
                SpecParameter.PerGroup("base_momentum", 0.85).Within(SpecRange.NotNegative),
                SpecParameter.PerGroup("max_momentum", 0.95).Within(SpecRange.NotNegative),
                SpecParameter.Number("div_factor", 25.0).Within(SpecRange.Positive),
                SpecParameter.Number("final_div_factor", 1e4).Within(SpecRange.Positive),
                SpecParameter.Flag("three_phase", false),
            ],
            static (node, c) => OneCycleCall(node, c, static o => Schedule.OneCycle(o)))
        {
            Momentum = static (node, c) => node.Flag("cycle_momentum") ? OneCycleCall(node, c, static o => Schedule.OneCycleMomentum(o)) : null,
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
            static (node, c) =>
            {
                SpecNode[] children = node.Children("schedulers");
                var built = new LearningRateSchedule[children.Length];
                for (int i = 0; i < built.Length; i++)
                {
                    built[i] = BuildChild(children[i], c);
                }

                return SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.Sequence(built, node.Numbers("milestones"), restartClocks: true),
                    ("schedules", "schedulers"),
                    ("milestones", "milestones"));
            });

        yield return new SpecType(
            "ChainedScheduler",
            [SpecParameter.Schedules("schedulers")],
            static (node, c) =>
            {
                // Each child is built from the real base rate, so its absolute values (eta_min, min_lr, lr_end) keep
                // their meaning, and enters the product as the factor child / b: lr = b · Π (child_i / b).
                SpecNode[] children = node.Children("schedulers");
                var built = new LearningRateSchedule[children.Length];
                for (int i = 0; i < built.Length; i++)
                {
                    built[i] = BuildChild(children[i], c);
                }

                if (c.BaseRate == 0)
                {
                    return Schedule.Constant(0.0);
                }

                if (!double.IsFinite(1.0 / c.BaseRate))
                {
                    throw SpecErrors.Invalid(c.RatePath, c.BaseRate, "zero, or large enough that 1 / lr is finite, since ChainedScheduler divides each child by lr");
                }

                for (int i = 0; i < built.Length; i++)
                {
                    double peak = built[i].Peak;
                    if (double.IsFinite(peak) && !double.IsFinite(peak * (1.0 / c.BaseRate)))
                    {
                        throw SpecErrors.Refused(
                            children[i].Path,
                            "a schedule that reaches " + Internal.Guard.Format(peak),
                            "ChainedScheduler divides each child by lr, " + Internal.Guard.Format(c.BaseRate) + ", and that ratio overflows to infinity: lower the child's values or raise lr");
                    }

                    built[i] = built[i].Scale(1.0 / c.BaseRate);
                }

                return SpecErrors.Call(node, c, () => Schedule.Product(built).Scale(c.BaseRate), ("factors", "schedulers"), ("factor", "@lr"));
            });

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
