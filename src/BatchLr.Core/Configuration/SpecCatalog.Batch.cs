using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr.Configuration;

/// <content>The <c>batch</c> and <c>scaling</c> sections: batch-size policies and learning-rate scaling rules, with lower_snake names.</content>
internal static partial class SpecCatalog
{
    /// <summary>The JSON path of the batch section.</summary>
    public const string BatchPath = "$.batch";

    /// <summary>The JSON path of the scaling section.</summary>
    public const string ScalingPath = "$.scaling";

    private const string ReferenceKey = "reference_batch_size";

    private static readonly Dictionary<string, BatchType> BatchTypeTable = CreateBatchTypes();

    /// <summary>Gets the parameters of every batch type, in the order the docs list them; the constraint parameters come last.</summary>
    public static IReadOnlyDictionary<string, SpecParameter[]> BatchTypes { get; } =
        BatchTypeTable.ToDictionary(p => p.Key, p => p.Value.Parameters, StringComparer.Ordinal);

    /// <summary>Gets the parameters of every scaling rule.</summary>
    public static IReadOnlyDictionary<string, SpecParameter[]> ScalingTypes { get; } = new Dictionary<string, SpecParameter[]>(StringComparer.Ordinal)
    {
        ["none"] = [],
        ["linear"] = [SpecParameter.Integer(ReferenceKey).Within(SpecRange.AtLeast(1))],
        ["sqrt"] = [SpecParameter.Integer(ReferenceKey).Within(SpecRange.AtLeast(1))],
        ["adascale"] = [SpecParameter.Integer(ReferenceKey).Within(SpecRange.AtLeast(1))],
    };

    /// <summary>Gets the canonical scaling node used when the spec has a batch section but no scaling section.</summary>
    public static SpecNode NoScaling { get; } = new("none", ScalingPath, [], []);

    /// <summary>Builds a fresh batch-size policy from a batch node.</summary>
    /// <param name="node">The batch node.</param>
    /// <param name="schedule">The spec's schedule, which <c>decay_equivalent</c> mirrors.</param>
    /// <param name="scheduleType">The spec's schedule type, named when it cannot be mirrored.</param>
    /// <param name="plateau">The batch section's <c>on_plateau</c>, or <see langword="null"/>.</param>
    public static IBatchSizePolicy BuildBatch(SpecNode node, OptimizerSchedule schedule, string scheduleType, SpecNode? plateau)
    {
        var context = new BuildContext(1.0, 0, "$.lr");
        BatchSizeConstraints constraints = SpecErrors.Call(
            node,
            context,
            () => new BatchSizeConstraints(
                Int(node, "min_batch_size"),
                node.NullableNumber("max_batch_size") is double maximum ? (int)maximum : int.MaxValue,
                Int(node, "multiple"),
                Int(node, "replicas"),
                node.Get("elastic_replica_counts") is double[] counts ? Ints(node, "elastic_replica_counts", counts) : null),
            ("minimum", "min_batch_size"),
            ("maximum", "max_batch_size"),
            ("multiple", "multiple"),
            ("replicas", "replicas"),
            ("elasticReplicaCounts", "elastic_replica_counts"));
        IBatchSizePolicy policy = BatchTypeTable[node.Type].Build(node, new BatchContext(constraints, schedule, scheduleType, context));
        return plateau is null ? policy : BuildBatchPlateau(policy, plateau, node.Type);
    }

    /// <summary>Returns whether a batch policy mirrors the learning-rate schedule, so it cannot be built before the schedule is.</summary>
    public static bool MirrorsSchedule(SpecNode node) => node.Type == "decay_equivalent";

    /// <summary>Builds the scaling rule of a scaling node.</summary>
    public static ILearningRateScaling BuildScaling(SpecNode node)
    {
        var context = new BuildContext(1.0, 0, "$.lr");
        return node.Type switch
        {
            "none" => LearningRateScaling.None,
            "linear" => SpecErrors.Call(node, context, () => LearningRateScaling.Linear(Int(node, ReferenceKey)), ("referenceBatchSize", ReferenceKey)),
            "sqrt" => SpecErrors.Call(node, context, () => LearningRateScaling.SquareRoot(Int(node, ReferenceKey)), ("referenceBatchSize", ReferenceKey)),
            _ => SpecErrors.Call(node, context, () => LearningRateScaling.AdaScale(Int(node, ReferenceKey)), ("referenceBatchSize", ReferenceKey)),
        };
    }

    private static Dictionary<string, BatchType> CreateBatchTypes()
    {
        var types = new Dictionary<string, BatchType>(StringComparer.Ordinal);
        foreach (BatchType type in BatchTypeList())
        {
            types.Add(type.Name, type with { Parameters = [.. type.Parameters, .. ConstraintParameters()] });
        }

        return types;
    }

    private static SpecParameter[] ConstraintParameters() =>
    [
        SpecParameter.Integer("min_batch_size", 1).Within(SpecRange.AtLeast(1)),
        SpecParameter.OptionalInteger("max_batch_size").Within(SpecRange.AtLeast(1)),
        SpecParameter.Integer("multiple", 1).Within(SpecRange.AtLeast(1)),
        SpecParameter.Integer("replicas", 1).Within(SpecRange.AtLeast(1)),
        SpecParameter.OptionalNumbers("elastic_replica_counts").Within(SpecRange.AtLeast(1)),
    ];

    private static IEnumerable<BatchType> BatchTypeList()
    {
        yield return new BatchType(
            "fixed",
            [SpecParameter.Integer("batch_size").Within(SpecRange.AtLeast(1))],
            static (node, c) => Call(node, c, () => BatchSizePolicy.Fixed(Int(node, "batch_size"), c.Constraints), ("batchSize", "batch_size")));

        yield return new BatchType(
            "steps",
            [SpecParameter.Numbers("milestones").AsPosition().Within(SpecRange.NotNegative), SpecParameter.Numbers("sizes").Within(SpecRange.AtLeast(1)), ClockParameter("steps")],
            static (node, c) =>
            {
                double[] milestones = node.Numbers("milestones");
                double[] sizes = node.Numbers("sizes");
                if (sizes.Length != milestones.Length + 1)
                {
                    throw SpecErrors.Invalid(
                        node.Path + ".sizes",
                        string.Create(CultureInfo.InvariantCulture, $"an array of {sizes.Length}"),
                        string.Create(CultureInfo.InvariantCulture, $"one longer than milestones, {milestones.Length + 1} sizes"));
                }

                return Call(
                    node,
                    c,
                    () => BatchSizePolicy.Steps(milestones, Ints(node, "sizes", sizes), Clock(node), c.Constraints),
                    ("milestones", "milestones"),
                    ("boundaries", "milestones"),
                    ("sizes", "sizes"));
            });

        yield return new BatchType(
            "linear_ramp",
            [SpecParameter.Integer("start").Within(SpecRange.AtLeast(1)), SpecParameter.Integer("increment").Within(SpecRange.AtLeast(1)), SpecParameter.Number("ramp_samples").AsPosition(ProgressClock.Samples).Within(SpecRange.Positive), SpecParameter.Integer("target").Within(SpecRange.AtLeast(1))],
            static (node, c) => Call(
                node,
                c,
                () => BatchSizePolicy.LinearRamp(Int(node, "start"), Int(node, "increment"), Long(node, "ramp_samples"), Int(node, "target"), c.Constraints),
                ("start", "start"),
                ("increment", "increment"),
                ("rampSamples", "ramp_samples"),
                ("target", "target")));

        yield return new BatchType(
            "token_ramp",
            [SpecParameter.Integer("start").Within(SpecRange.AtLeast(1)), SpecParameter.Integer("target").Within(SpecRange.AtLeast(1)), SpecParameter.Number("ramp_tokens").AsPosition(ProgressClock.Tokens).Within(SpecRange.Positive)],
            static (node, c) => Call(
                node,
                c,
                () => BatchSizePolicy.TokenRamp(Int(node, "start"), Int(node, "target"), Long(node, "ramp_tokens"), c.Constraints),
                ("start", "start"),
                ("target", "target"),
                ("rampTokens", "ramp_tokens")));

        yield return new BatchType(
            "geometric",
            [
                SpecParameter.Integer("initial").Within(SpecRange.AtLeast(1)),
                SpecParameter.Number("factor").Within(SpecRange.Above(1)),
                SpecParameter.Number("interval").AsPosition().Within(SpecRange.Positive),
                SpecParameter.Integer("maximum").Within(SpecRange.AtLeast(1)),
                ClockParameter("epochs"),
            ],
            static (node, c) => Call(
                node,
                c,
                () => BatchSizePolicy.Geometric(Int(node, "initial"), node.Number("factor"), node.Number("interval"), Int(node, "maximum"), Clock(node), c.Constraints),
                ("initial", "initial"),
                ("factor", "factor"),
                ("interval", "interval"),
                ("maximum", "maximum")));

        yield return new BatchType(
            "cyclic",
            [SpecParameter.Integer("minimum").Within(SpecRange.AtLeast(1)), SpecParameter.Integer("maximum").Within(SpecRange.AtLeast(1)), SpecParameter.Number("period").AsPosition().Within(SpecRange.Positive), ClockParameter("steps")],
            static (node, c) => Call(
                node,
                c,
                () => BatchSizePolicy.Cyclic(Int(node, "minimum"), Int(node, "maximum"), node.Number("period"), Clock(node), c.Constraints),
                ("minimum", "minimum"),
                ("maximum", "maximum"),
                ("period", "period")));

        yield return new BatchType(
            "decay_equivalent",
            [SpecParameter.Integer("reference_batch_size").Within(SpecRange.AtLeast(1)), SpecParameter.Integer("maximum_batch_size").Within(SpecRange.AtLeast(1)), SpecParameter.Number("warmup", 0.0).Within(SpecRange.NotNegative)],
            static (node, c) =>
            {
                if (SpecCatalog.Lookup(c.ScheduleType).Reactive)
                {
                    throw SpecErrors.Invalid(
                        node.Path + ".type",
                        SpecReader.Quote(node.Type),
                        "paired with a closed-form schedule, since it mirrors the learning-rate schedule of group 0; " + c.ScheduleType + " reacts to metrics");
                }

                return Call(
                    node,
                    c,
                    () => BatchSizePolicy.DecayEquivalent(c.Schedule.LearningRates[0], Int(node, "reference_batch_size"), Int(node, "maximum_batch_size"), c.Constraints, node.Number("warmup")),
                    ("schedule", "$.schedule"),
                    ("referenceBatchSize", "reference_batch_size"),
                    ("maximumBatchSize", "maximum_batch_size"),
                    ("maximum", "maximum_batch_size"),
                    ("warmup", "warmup"));
            });

        yield return new BatchType(
            "noise_adaptive",
            [
                SpecParameter.Integer("initial_batch_size").Within(SpecRange.AtLeast(1)),
                SpecParameter.Number("target_multiple", 1.0).Within(SpecRange.Positive),
                SpecParameter.Number("max_change_factor", 2.0).Within(SpecRange.Above(1)),
                SpecParameter.Integer("update_interval", 100).Within(SpecRange.AtLeast(1)),
            ],
            static (node, c) => Call(
                node,
                c,
                () => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions
                {
                    InitialBatchSize = Int(node, "initial_batch_size"),
                    TargetMultiple = node.Number("target_multiple"),
                    MaxChangeFactor = node.Number("max_change_factor"),
                    UpdateInterval = Int(node, "update_interval"),
                    Constraints = c.Constraints,
                }),
                ("InitialBatchSize", "initial_batch_size"),
                ("TargetMultiple", "target_multiple"),
                ("MaxChangeFactor", "max_change_factor"),
                ("UpdateInterval", "update_interval")));

        yield return new BatchType(
            "goodput",
            [
                SpecParameter.Integer("initial_batch_size").Within(SpecRange.AtLeast(1)),
                SpecParameter.Number("candidate_ratio", 2.0).Within(SpecRange.Above(1)),
                SpecParameter.Number("switch_threshold", 0.05).Within(SpecRange.NotNegative),
                SpecParameter.Integer("update_interval", 50).Within(SpecRange.AtLeast(1)),
                SpecParameter.Number("residual_threshold", 0.25).Within(SpecRange.Positive),
            ],
            static (node, c) => Call(
                node,
                c,
                () => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions
                {
                    InitialBatchSize = Int(node, "initial_batch_size"),
                    CandidateRatio = node.Number("candidate_ratio"),
                    SwitchThreshold = node.Number("switch_threshold"),
                    UpdateInterval = Int(node, "update_interval"),
                    ResidualThreshold = node.Number("residual_threshold"),
                    Constraints = c.Constraints,
                }),
                ("InitialBatchSize", "initial_batch_size"),
                ("CandidateRatio", "candidate_ratio"),
                ("SwitchThreshold", "switch_threshold"),
                ("UpdateInterval", "update_interval"),
                ("ResidualThreshold", "residual_threshold")));
    }

    private static SpecParameter ClockParameter(string defaultClock) => SpecParameter.Choice("clock", defaultClock, "steps", "samples", "tokens", "epochs");

    private static ProgressClock Clock(SpecNode node) => node.Text("clock") switch
    {
        "samples" => ProgressClock.Samples,
        "tokens" => ProgressClock.Tokens,
        "epochs" => ProgressClock.Epochs,
        _ => ProgressClock.Steps,
    };

    private static IBatchSizePolicy Call(SpecNode node, BatchContext c, Func<IBatchSizePolicy> factory, params (string Argument, string Field)[] map) =>
        SpecErrors.Call(node, c.Build, factory, map);

    /// <summary>Reads a parameter of kind <see cref="SpecParameterKind.Integer"/>, which the reader has checked to be whole and within <see cref="int"/>.</summary>
    private static int Int(SpecNode node, string name) => (int)node.Number(name);

    /// <summary>Reads a count that may exceed <see cref="int"/>, such as a number of samples or tokens.</summary>
    private static long Long(SpecNode node, string name)
    {
        const double Limit = 1L << 53;
        double value = node.Number(name);
        if (value != Math.Floor(value) || Math.Abs(value) > Limit)
        {
            throw SpecErrors.Invalid(node.Path + "." + name, value, "a whole number of at most 2^53");
        }

        return (long)value;
    }

    private static int[] Ints(SpecNode node, string name, double[] values)
    {
        var whole = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double value = values[i];
            if (value != Math.Floor(value) || Math.Abs(value) > int.MaxValue)
            {
                throw SpecErrors.Invalid(string.Create(CultureInfo.InvariantCulture, $"{node.Path}.{name}[{i}]"), value, "a whole number");
            }

            whole[i] = (int)value;
        }

        return whole;
    }

    /// <summary>What a batch builder knows: the constraints, already built, and the spec's schedule.</summary>
    private readonly record struct BatchContext(BatchSizeConstraints Constraints, OptimizerSchedule Schedule, string ScheduleType, BuildContext Build);

    /// <summary>Describes one batch type: its parameters and how its node becomes a policy.</summary>
    private sealed record BatchType(string Name, SpecParameter[] Parameters, Func<SpecNode, BatchContext, IBatchSizePolicy> Build);
}
