using System.Collections.Generic;
using BatchLr.Schedules;

namespace BatchLr.Configuration;

/// <content>BatchLr's own types, with lower_snake names: Keras and optax decays, timm's cosine, tanh and poly, and the wrappers.</content>
internal static partial class SpecCatalog
{
    private static IEnumerable<SpecType> OwnTypes()
    {
        yield return new SpecType(
            "exponential_decay",
            [SpecParameter.Number("decay_rate").Within(SpecRange.Positive), SpecParameter.Number("decay_steps").AsPosition().Within(SpecRange.Positive), SpecParameter.Flag("staircase", false)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.Exponential(c.BaseRate, node.Number("decay_rate"), node.Number("decay_steps"), node.Flag("staircase")),
                ("initial", "@lr"),
                ("rate", "decay_rate"),
                ("interval", "decay_steps")));

        yield return new SpecType(
            "inverse_time_decay",
            [SpecParameter.Number("decay_rate").Within(SpecRange.NotNegative), SpecParameter.Number("decay_steps").AsPosition().Within(SpecRange.Positive), SpecParameter.Flag("staircase", false)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.InverseTime(c.BaseRate, node.Number("decay_rate"), node.Number("decay_steps"), node.Flag("staircase")),
                ("initial", "@lr"),
                ("decayRate", "decay_rate"),
                ("decaySteps", "decay_steps")));

        yield return new SpecType(
            "polynomial_decay",
            [
                SpecParameter.Number("decay_steps").AsPosition().Within(SpecRange.Positive),
                SpecParameter.Number("end_learning_rate", 1e-4).Within(SpecRange.NotNegative),
                SpecParameter.Number("power", 1.0).Within(SpecRange.Positive),
                SpecParameter.Flag("cycle", false),
            ],
            static (node, c) =>
            {
                double end = NonNegative(node, "end_learning_rate");
                return SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.Polynomial(c.BaseRate, end, node.Number("decay_steps"), node.Number("power"), node.Flag("cycle")),
                    ("initial", "@lr"),
                    ("duration", "decay_steps"),
                    ("power", "power"));
            });

        yield return new SpecType(
            "cosine_decay",
            [
                SpecParameter.Number("decay_steps").AsPosition().Within(SpecRange.Positive),
                SpecParameter.Number("alpha", 0.0).Within(SpecRange.Fraction),
                SpecParameter.Number("exponent", 1.0).Within(SpecRange.Positive),
            ],
            static (node, c) =>
            {
                double alpha = Alpha(node);
                return SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.CosineAnnealing(c.BaseRate, c.BaseRate * alpha, node.Number("decay_steps"), node.Number("exponent")),
                    ("initial", "@lr"),
                    ("duration", "decay_steps"),
                    ("exponent", "exponent"));
            });

        yield return new SpecType(
            "cosine_decay_restarts",
            [
                SpecParameter.Number("first_decay_steps").AsPosition().Within(SpecRange.Positive),
                SpecParameter.Number("t_mul", 2.0).Within(SpecRange.AtLeast(1.0)),
                SpecParameter.Number("m_mul", 1.0).Within(SpecRange.Fraction),
                SpecParameter.Number("alpha", 0.0).Within(SpecRange.Fraction),
            ],
            static (node, c) =>
            {
                double alpha = Alpha(node);
                return SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.CosineWithRestarts(new RestartsOptions
                    {
                        MaxValue = c.BaseRate,
                        MinValue = c.BaseRate * alpha,
                        Period = node.Number("first_decay_steps"),
                        PeriodMultiplier = node.Number("t_mul"),
                        AmplitudeDecay = node.Number("m_mul"),
                    }),
                    ("MaxValue", "@lr"),
                    ("Period", "first_decay_steps"),
                    ("PeriodMultiplier", "t_mul"),
                    ("AmplitudeDecay", "m_mul"));
            });

        yield return new SpecType(
            "piecewise_constant",
            [SpecParameter.Numbers("boundaries").AsPosition().Within(SpecRange.NotNegative), SpecParameter.Numbers("values").Within(SpecRange.NotNegative)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.PiecewiseConstant(node.Numbers("boundaries"), NonNegativeValues(node, "values")),
                ("boundaries", "boundaries"),
                ("values", "values")));

        yield return new SpecType(
            "piecewise_linear",
            [SpecParameter.Numbers("positions").AsPosition().Within(SpecRange.NotNegative), SpecParameter.Numbers("values").Within(SpecRange.NotNegative)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.PiecewiseLinear(node.Numbers("positions"), NonNegativeValues(node, "values")),
                ("positions", "positions"),
                ("values", "values")));

        yield return new SpecType(
            "noam",
            [SpecParameter.Number("model_size").Within(SpecRange.Positive), SpecParameter.Number("warmup_steps").AsPosition().Within(SpecRange.Positive), SpecParameter.Number("factor", 1.0).Within(SpecRange.Positive)],
            static (node, c) => SpecErrors.Call(
                node,
                c,
                () => Schedule.Noam(node.Number("model_size"), node.Number("warmup_steps"), node.Number("factor")),
                ("modelSize", "model_size"),
                ("warmupSteps", "warmup_steps"),
                ("factor", "factor")));

        yield return new SpecType(
            "tanh_decay",
            [
                SpecParameter.Number("t_initial").AsPosition().Within(SpecRange.Positive),
                SpecParameter.Number("lr_min", 0.0).Within(SpecRange.NotNegative),
                SpecParameter.Number("lb", -7.0),
                SpecParameter.Number("ub", 3.0),
                .. TimmCycleParameters(),
                .. TimmWarmupParameters(),
            ],
            static (node, c) => TimmWarmup(
                node,
                c,
                SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.TanhDecay(Restarts(node, c, kDecay: 1.0), node.Number("lb"), node.Number("ub")),
                    RestartsMap("lower", "lb", "upper", "ub")),
                overlapRisesToCurve: true));

        yield return new SpecType(
            "cosine_timm",
            [
                SpecParameter.Number("t_initial").AsPosition().Within(SpecRange.Positive),
                SpecParameter.Number("lr_min", 0.0).Within(SpecRange.NotNegative),
                .. TimmCycleParameters(),
                SpecParameter.Number("k_decay", 1.0).Within(SpecRange.Positive),
                .. TimmWarmupParameters(),
            ],
            static (node, c) => TimmWarmup(
                node,
                c,
                SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.CosineWithRestarts(Restarts(node, c, node.Number("k_decay"))),
                    RestartsMap("KDecay", "k_decay", "KDecay", "k_decay")),
                overlapRisesToCurve: false));

        yield return new SpecType(
            "poly_timm",
            [
                SpecParameter.Number("t_initial").AsPosition().Within(SpecRange.Positive),
                SpecParameter.Number("power", 0.5).Within(SpecRange.Positive),
                SpecParameter.Number("lr_min", 0.0).Within(SpecRange.NotNegative),
                .. TimmCycleParameters(),
                SpecParameter.Number("k_decay", 1.0).Within(SpecRange.Positive),
                .. TimmWarmupParameters(),
            ],
            static (node, c) => TimmWarmup(
                node,
                c,
                SpecErrors.Call(
                    node,
                    c,
                    () => Schedule.PolynomialWithRestarts(Restarts(node, c, node.Number("k_decay")), node.Number("power")),
                    RestartsMap("KDecay", "k_decay", "power", "power")),
                overlapRisesToCurve: false));

        yield return new SpecType(
            "warmup",
            [
                SpecParameter.Schedule("schedule"),
                SpecParameter.Number("warmup_steps").AsPosition().Within(SpecRange.Positive),
                SpecParameter.Number("start_value", 0.0).Within(SpecRange.NotNegative),
                SpecParameter.Choice("shape", "linear", "linear", "cosine", "1-sqrt", "exponential"),
                SpecParameter.Choice("mode", "prefix", "prefix", "overlap"),
            ],
            static (node, c) =>
            {
                LearningRateSchedule inner = BuildChild(node.Child("schedule"), c);
                return SpecErrors.Call(
                    node,
                    c,
                    () => inner.WithWarmup(
                        node.Number("warmup_steps"),
                        NonNegative(node, "start_value"),
                        Shape(node.Text("shape")),
                        node.Text("mode") == "overlap" ? WarmupMode.Overlap : WarmupMode.Prefix),
                    ("duration", "warmup_steps"),
                    ("startValue", "start_value"),
                    ("schedule", "schedule"));
            });

        yield return new SpecType(
            "clamp",
            [SpecParameter.Schedule("schedule"), SpecParameter.OptionalNumber("min").Within(SpecRange.NotNegative), SpecParameter.OptionalNumber("max").Within(SpecRange.NotNegative)],
            static (node, c) =>
            {
                LearningRateSchedule inner = BuildChild(node.Child("schedule"), c);
                double minimum = node.NullableNumber("min") is null ? double.NegativeInfinity : NonNegative(node, "min");
                double maximum = node.NullableNumber("max") is null ? double.PositiveInfinity : NonNegative(node, "max");
                return SpecErrors.Call(
                    node,
                    c,
                    () => inner.Clamp(minimum, maximum),
                    ("minimum", "min"),
                    ("maximum", "max"));
            });

        yield return new SpecType(
            "scale",
            [SpecParameter.Schedule("schedule"), SpecParameter.Number("factor").Within(SpecRange.NotNegative)],
            static (node, c) =>
            {
                LearningRateSchedule inner = BuildChild(node.Child("schedule"), c);
                return SpecErrors.Call(node, c, () => inner.Scale(NonNegative(node, "factor")), ("factor", "factor"));
            });
    }

    /// <summary>timm's cycle parameters, shared by its cosine, tanh and polynomial schedulers.</summary>
    private static SpecParameter[] TimmCycleParameters() =>
    [
        SpecParameter.Number("cycle_mul", 1.0).Within(SpecRange.AtLeast(1.0)),
        SpecParameter.Number("cycle_decay", 1.0).Within(SpecRange.Positive),
        SpecParameter.Integer("cycle_limit", 1).Within(SpecRange.AtLeast(1)),
    ];

    private static SpecParameter[] TimmWarmupParameters() =>
    [
        SpecParameter.Number("warmup_t", 0).AsPosition().Within(SpecRange.NotNegative),
        SpecParameter.Number("warmup_lr_init", 0.0).Within(SpecRange.NotNegative),
        SpecParameter.Flag("warmup_prefix", false),
    ];

    /// <summary>
    /// Puts timm's linear warmup, <c>warmup_lr_init + t · (target - warmup_lr_init) / warmup_t</c> for <c>t &lt; warmup_t</c>, in
    /// front of a timm curve. With <c>warmup_prefix</c> the target is <c>b</c> and the curve starts its clock at <c>warmup_t</c>;
    /// without it the curve keeps the global clock and the target is <c>b</c> (cosine, poly) or, where
    /// <paramref name="overlapRisesToCurve"/> (tanh), the curve's value at <c>warmup_t</c>.
    /// </summary>
    private static LearningRateSchedule TimmWarmup(SpecNode node, BuildContext c, LearningRateSchedule curve, bool overlapRisesToCurve)
    {
        double warmup = node.Number("warmup_t");
        double start = NonNegative(node, "warmup_lr_init");
        if (warmup == 0)
        {
            return curve;
        }

        bool prefix = node.Flag("warmup_prefix");
        return SpecErrors.Call(
            node,
            c,
            () => (prefix, overlapRisesToCurve) switch
            {
                (false, true) => curve.WithWarmup(warmup, start, AnnealShape.Linear, WarmupMode.Overlap),
                (false, false) => Schedule.Sequence([Schedule.Linear(start, c.BaseRate, warmup), curve], [warmup], restartClocks: false),

                // A cosine or poly curve starts at b, so a prefix warmup to its first value rises to b.
                (true, false) => curve.WithWarmup(warmup, start),
                (true, true) => Schedule.Sequence([Schedule.Linear(start, c.BaseRate, warmup), curve], [warmup], restartClocks: true),
            },
            ("duration", "warmup_t"),
            ("milestones", "warmup_t"),
            ("startValue", "warmup_lr_init"),
            ("start", "warmup_lr_init"));
    }

    /// <summary>Reads Keras' and optax's <c>alpha</c>, the floor as a fraction of <c>b</c>.</summary>
    private static double Alpha(SpecNode node)
    {
        double alpha = node.Number("alpha");
        if (!(alpha is >= 0 and <= 1))
        {
            throw SpecErrors.Invalid(node.Path + ".alpha", alpha, "between 0 and 1 inclusive");
        }

        return alpha;
    }

    private static RestartsOptions Restarts(SpecNode node, BuildContext c, double kDecay) => new()
    {
        MaxValue = c.BaseRate,
        MinValue = node.Number("lr_min"),
        Period = node.Number("t_initial"),
        PeriodMultiplier = node.Number("cycle_mul"),
        CycleDecay = node.Number("cycle_decay"),
        CycleLimit = (int)node.Number("cycle_limit"),
        KDecay = kDecay,
    };

    private static (string Argument, string Field)[] RestartsMap(string argument1, string field1, string argument2, string field2) =>
    [
        ("MaxValue", "@lr"),
        ("MinValue", "lr_min"),
        ("Period", "t_initial"),
        ("PeriodMultiplier", "cycle_mul"),
        ("CycleDecay", "cycle_decay"),
        ("CycleLimit", "cycle_limit"),
        (argument1, field1),
        (argument2, field2),
    ];
}
