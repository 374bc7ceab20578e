using System.Collections.Generic;
using BatchLr.Schedules;

namespace BatchLr.Configuration;

/// <content>
/// Hugging Face's <c>get_scheduler</c> types (<c>SchedulerType</c> values): <c>lr = b · lambda(step)</c> at every step, past
/// <c>num_training_steps</c> too. The cosine types go on along the cosine there, as their lambdas do; linear, polynomial,
/// hard restarts and warmup-stable-decay hold their end value, as theirs do.
/// </content>
internal static partial class SpecCatalog
{
    private const string Warmup = "num_warmup_steps";
    private const string Training = "num_training_steps";

    private static IEnumerable<SpecType> HuggingFaceTypes()
    {
        yield return new SpecType(
            "linear",
            [WarmupParameter(), TrainingParameter()],
            static (node, c) => HuggingFaceWarmup(node, c, Schedule.Linear(c.BaseRate, 0.0, DecayLength(node))))
        { Check = CheckWarmup };

        yield return new SpecType(
            "cosine",
            [WarmupParameter(), TrainingParameter(), SpecParameter.Number("num_cycles", 0.5).Within(SpecRange.NotNegative)],
            static (node, c) => HuggingFaceWarmup(node, c, Waves(node, c, 0.0)))
        { Check = CheckWarmup };

        yield return new SpecType(
            "cosine_with_restarts",
            [WarmupParameter(), TrainingParameter(), SpecParameter.Number("num_cycles", 1.0).Within(SpecRange.Positive)],
            static (node, c) =>
            {
                double length = DecayLength(node);
                double cycles = node.Number("num_cycles");
                if (!(cycles > 0))
                {
                    throw SpecErrors.Invalid(node.Path + ".num_cycles", cycles, "greater than zero");
                }

                LearningRateSchedule restarts = SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = c.BaseRate, Period = length / cycles }),
                    ("MaxValue", "@lr"),
                    ("Period", "num_cycles"));
                return HuggingFaceWarmup(node, c, Schedule.Sequence([restarts, Schedule.Constant(0.0)], [length]));
            })
        { Check = CheckWarmup };

        yield return new SpecType(
            "polynomial",
            [WarmupParameter(), TrainingParameter(), SpecParameter.Number("lr_end", 1e-7).Within(SpecRange.NotNegative), SpecParameter.Number("power", 1.0).Within(SpecRange.Positive)],
            static (node, c) =>
            {
                double end = NonNegative(node, "lr_end");
                if (!(end < c.BaseRate))
                {
                    throw SpecErrors.Invalid(node.Path + ".lr_end", end, "less than lr, " + Internal.Guard.Format(c.BaseRate));
                }

                LearningRateSchedule decay = SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.Polynomial(c.BaseRate, end, DecayLength(node), node.Number("power")),
                    ("power", "power"));
                return HuggingFaceWarmup(node, c, decay);
            })
        { Check = CheckWarmup };

        yield return new SpecType("constant", [], static (node, c) => Schedule.Constant(c.BaseRate));

        yield return new SpecType(
            "constant_with_warmup",
            [WarmupParameter()],
            static (node, c) => HuggingFaceWarmup(node, c, Schedule.Constant(c.BaseRate)))
        { Check = CheckWarmup };

        yield return new SpecType(
            "inverse_sqrt",
            [WarmupParameter(), SpecParameter.OptionalNumber("timescale").AsPosition().Within(SpecRange.Positive)],
            static (node, c) => HuggingFaceWarmup(
                node,
                c,
                SpecErrors.Call(node, c, () => Schedule.InverseSqrt(c.BaseRate, node.Number("timescale")), ("timescale", "timescale"))))
        {
            Check = CheckWarmup,

            // Hugging Face: timescale = num_warmup_steps or 10_000. A warmup with a unit is greater than zero and is
            // copied as written, so both convert alike.
            Normalize = static node => node.Get("timescale") is null
                ? node.With("timescale", node.Get(Warmup) is double warmup ? (warmup > 0 ? warmup : 10_000.0) : node.Get(Warmup))
                : node,
        };

        yield return new SpecType("reduce_lr_on_plateau", PlateauParameters(), null);

        yield return new SpecType(
            "cosine_with_min_lr",
            [
                WarmupParameter(),
                TrainingParameter(),
                SpecParameter.Number("num_cycles", 0.5).Within(SpecRange.NotNegative),
                SpecParameter.OptionalNumber("min_lr").Within(SpecRange.NotNegative),
                SpecParameter.OptionalNumber("min_lr_rate").Within(SpecRange.Fraction),
            ],
            static (node, c) => HuggingFaceWarmup(node, c, Waves(node, c, MinRatio(node, c))))
        { Check = CheckMinimum };

        yield return new SpecType(
            "cosine_warmup_with_min_lr",
            [
                WarmupParameter(),
                TrainingParameter(),
                SpecParameter.Number("num_cycles", 0.5).Within(SpecRange.NotNegative),
                SpecParameter.OptionalNumber("min_lr").Within(SpecRange.NotNegative),
                SpecParameter.OptionalNumber("min_lr_rate").Within(SpecRange.Fraction),
                SpecParameter.OptionalNumber("warmup_lr_rate").Within(SpecRange.Fraction),
            ],
            static (node, c) =>
            {
                // Hugging Face's get_cosine_with_min_lr_schedule_with_warmup_lr_rate counts one step ahead:
                // the warmup rises (t + 1) / W, or from warmup_lr_rate to 1 over W - 1 steps, and the cosine's
                // progress is (t - W + 1) / (T - W), so the cosine runs one step ahead of its own milestone.
                double? rate = node.NullableNumber("warmup_lr_rate");
                if (rate is { } r && !(r is >= 0 and <= 1))
                {
                    throw SpecErrors.Invalid(node.Path + ".warmup_lr_rate", r, "between 0 and 1 inclusive");
                }

                LearningRateSchedule waves = new Schedules.Composition.ShiftedSchedule(Waves(node, c, MinRatio(node, c)), 1.0);
                double warmup = node.Number(Warmup);
                if (warmup == 0)
                {
                    return waves;
                }

                double start = c.BaseRate * (rate ?? (1.0 / warmup));
                if (!double.IsFinite(start))
                {
                    throw SpecErrors.Invalid(node.Path + "." + Warmup, warmup, "large enough that the first warmup value, lr / num_warmup_steps, is finite");
                }

                LearningRateSchedule ramp = warmup >= 2
                    ? Schedule.PiecewiseLinear([0.0, warmup - 1.0], [start, c.BaseRate])
                    : Schedule.Constant(start);
                return Schedule.Sequence([ramp, waves], [warmup]);
            })
        { Check = CheckMinimum };

        yield return new SpecType(
            "warmup_stable_decay",
            [
                WarmupParameter(),
                SpecParameter.Number("num_decay_steps").AsPosition().Within(SpecRange.Positive),
                SpecParameter.OptionalNumber("num_stable_steps").AsPosition().Within(SpecRange.NotNegative),
                SpecParameter.OptionalNumber(Training).AsPosition().Within(SpecRange.Positive),
                SpecParameter.Choice("warmup_type", "linear", "linear", "cosine", "1-sqrt"),
                SpecParameter.Choice("decay_type", "cosine", "linear", "cosine", "1-sqrt"),
                SpecParameter.Number("min_lr_ratio", 0.0).Within(SpecRange.Fraction),
                SpecParameter.Number("num_cycles", 0.5).Within(SpecRange.Positive),
            ],
            static (node, c) =>
            {
                double warmup = node.Number(Warmup);
                double decay = node.Number("num_decay_steps");
                double? stable = node.NullableNumber("num_stable_steps");
                string stableField = stable is null ? Training : "num_stable_steps";
                double stableSteps = stable ?? (node.Number(Training) - warmup - decay);
                if (stable is null && !(stableSteps >= 0))
                {
                    throw SpecErrors.Invalid(
                        node.Path + "." + Training,
                        node.Number(Training),
                        "no less than num_warmup_steps + num_decay_steps, " + Internal.Guard.Format(warmup + decay));
                }

                double cycles = node.Number("num_cycles");
                if (!(cycles > 0))
                {
                    throw SpecErrors.Invalid(node.Path + ".num_cycles", cycles, "greater than zero");
                }

                if (node.Text("decay_type") == "cosine" && cycles != 0.5)
                {
                    // Hugging Face's cosine decay with num_cycles waves, 0.5 · (1 + cos(2π · num_cycles · p)), then the floor.
                    double ratio = node.Number("min_lr_ratio");
                    if (!(ratio is >= 0 and <= 1))
                    {
                        throw SpecErrors.Invalid(node.Path + ".min_lr_ratio", ratio, "between 0 and 1 inclusive");
                    }

                    double floor = c.BaseRate * ratio;
                    LearningRateSchedule waves = SpecErrors.Call(
                        node,
                        c,
                        () => Schedule.Sequence([CosineWaves(c.BaseRate, floor, decay, cycles), Schedule.Constant(floor)], [decay]),
                        ("duration", "num_decay_steps"),
                        ("milestones", "num_decay_steps"),
                        ("cycles", "num_cycles"));
                    LearningRateSchedule body = stableSteps > 0 ? Schedule.Sequence([Schedule.Constant(c.BaseRate), waves], [stableSteps]) : waves;
                    return warmup > 0 ? body.WithWarmup(warmup, floor, Shape(node.Text("warmup_type"))) : body;
                }

                return SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.WarmupStableDecay(new WarmupStableDecayOptions
                    {
                        PeakValue = c.BaseRate,
                        WarmupSteps = warmup,
                        StableSteps = stableSteps,
                        DecaySteps = decay,
                        WarmupShape = Shape(node.Text("warmup_type")),
                        DecayShape = Shape(node.Text("decay_type")),
                        MinRatio = node.Number("min_lr_ratio"),
                    }),
                    ("PeakValue", "@lr"),
                    ("WarmupSteps", Warmup),
                    ("StableSteps", stableField),
                    ("DecaySteps", "num_decay_steps"),
                    ("MinRatio", "min_lr_ratio"));
            })
        {
            Check = static node =>
            {
                if (node.Get("num_stable_steps") is null && node.Get(Training) is null)
                {
                    throw SpecErrors.Missing(node.Path + ".num_stable_steps", "warmup_stable_decay, which needs num_stable_steps or num_training_steps,");
                }
            },
        };
    }

    private static SpecParameter WarmupParameter() => SpecParameter.Number(Warmup, 0).AsPosition().Within(SpecRange.NotNegative);

    private static SpecParameter TrainingParameter() => SpecParameter.Number(Training).AsPosition().Within(SpecRange.Positive);

    private static void CheckMinimum(SpecNode node)
    {
        CheckWarmup(node);
        bool absolute = node.NullableNumber("min_lr") is not null;
        bool relative = node.NullableNumber("min_lr_rate") is not null;
        if (absolute && relative)
        {
            throw SpecErrors.Invalid(node.Path + ".min_lr_rate", "given with min_lr", "left out (or null) when min_lr is given: set exactly one");
        }

        if (!absolute && !relative)
        {
            throw SpecErrors.Missing(node.Path + ".min_lr_rate", node.Type + ", which needs exactly one of min_lr and min_lr_rate,");
        }
    }

    /// <summary>Returns the floor as a fraction of <c>b</c>: <c>min_lr_rate</c>, or <c>min_lr / b</c>.</summary>
    private static double MinRatio(SpecNode node, BuildContext c)
    {
        double? minimum = node.NullableNumber("min_lr");
        double ratio;
        if (minimum is { } absolute)
        {
            if (!(c.BaseRate > 0))
            {
                throw SpecErrors.Invalid(c.RatePath, c.BaseRate, "greater than zero when min_lr is given, since min_lr_rate = min_lr / lr");
            }

            ratio = absolute / c.BaseRate;
        }
        else
        {
            ratio = node.Number("min_lr_rate");
        }

        string field = minimum is null ? "min_lr_rate" : "min_lr";
        if (!(ratio is >= 0 and <= 1))
        {
            throw SpecErrors.Invalid(node.Path + "." + field, node.Number(field), minimum is null ? "between 0 and 1 inclusive" : "between 0 and lr inclusive");
        }

        return ratio;
    }

    /// <summary>Checks the warmup as read: a number must not be negative; a position with a unit is greater than zero.</summary>
    private static void CheckWarmup(SpecNode node)
    {
        if (node.Get(Warmup) is double warmup && warmup < 0)
        {
            throw SpecErrors.Invalid(node.Path + "." + Warmup, warmup, "zero or more");
        }
    }

    /// <summary>Returns <c>num_training_steps - num_warmup_steps</c>, the length of the decay after the warmup.</summary>
    private static double DecayLength(SpecNode node)
    {
        double warmup = node.Number(Warmup);
        double training = node.Number(Training);
        if (!(training > warmup))
        {
            throw SpecErrors.Invalid(node.Path + "." + Training, training, "greater than num_warmup_steps, " + Internal.Guard.Format(warmup));
        }

        return training - warmup;
    }

    /// <summary>
    /// Builds Hugging Face's cosine after the warmup, from <c>b</c> down to <c>b · ratio</c>, with <c>num_cycles</c> waves, and on
    /// past <c>num_training_steps</c> as Hugging Face's lambda goes on (progress above 1 continues the wave).
    /// </summary>
    private static LearningRateSchedule Waves(SpecNode node, BuildContext c, double ratio)
    {
        double length = DecayLength(node);
        double cycles = node.Number("num_cycles");
        if (cycles < 0)
        {
            throw SpecErrors.Invalid(node.Path + ".num_cycles", cycles, "zero or more");
        }

        if (cycles == 0)
        {
            return Schedule.Constant(c.BaseRate); // cos(0) = 1: Hugging Face's factor stays 1
        }

        // num_cycles waves over the decay: a half period of length / (2 · num_cycles).
        double halfPeriod = length / (2.0 * cycles);
        if (!(halfPeriod > 0))
        {
            throw SpecErrors.Invalid(node.Path + ".num_cycles", cycles, "small enough that the half period, (num_training_steps - num_warmup_steps) / (2 · num_cycles), is greater than zero");
        }

        return new Schedules.Families.CosineWaveSchedule(c.BaseRate, c.BaseRate * ratio, halfPeriod);
    }
}
