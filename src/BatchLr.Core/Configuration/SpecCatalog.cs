using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using BatchLr.Schedules;

namespace BatchLr.Configuration;

/// <summary>Holds every spec type and the builders that turn its nodes into schedules.</summary>
/// <remarks>The builders live in one file per family: PyTorch, Hugging Face, and BatchLr's own (timm, Keras, wrappers).</remarks>
internal static partial class SpecCatalog
{
    private static readonly Dictionary<string, SpecType> Types = CreateTypes();

    /// <summary>Gets the names of every type, in the order the docs list them.</summary>
    public static IReadOnlyList<string> TypeNames { get; } = [.. Types.Keys];

    public static bool TryGetType(string name, [NotNullWhen(true)] out SpecType? type) => Types.TryGetValue(name, out type);

    public static SpecType Lookup(string name) => Types[name];

    /// <summary>Builds a nested schedule object for the same group.</summary>
    public static LearningRateSchedule BuildChild(SpecNode node, BuildContext context) => Types[node.Type].Build!(node, context);

    /// <summary>Reads a number that a learning rate is made of, which must not be negative.</summary>
    private static double NonNegative(SpecNode node, string name)
    {
        double value = node.Number(name);
        if (value < 0)
        {
            throw SpecErrors.Invalid(node.Path + "." + name, value, "zero or more, since a learning rate is not negative");
        }

        return value;
    }

    /// <summary>Reads numbers that learning rates are made of, none of which may be negative.</summary>
    private static double[] NonNegativeValues(SpecNode node, string name)
    {
        double[] values = node.Numbers(name);
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < 0)
            {
                throw SpecErrors.Invalid(SpecReader.Index(node.Path + "." + name, i), values[i], "zero or more, since a learning rate is not negative");
            }
        }

        return values;
    }

    private static Dictionary<string, SpecType> CreateTypes()
    {
        var types = new Dictionary<string, SpecType>(StringComparer.Ordinal);
        foreach (SpecType type in TorchTypes().Concat(HuggingFaceTypes()).Concat(OwnTypes()))
        {
            types.Add(type.Name, type);
        }

        return types;
    }

    private static AnnealShape Shape(string? name) => name switch
    {
        "cosine" or "cos" => AnnealShape.Cosine,
        "1-sqrt" => AnnealShape.OneMinusSqrt,
        "exponential" => AnnealShape.Exponential,
        _ => AnnealShape.Linear,
    };

    /// <summary>Puts Hugging Face's linear warmup from 0 in front of a schedule, or nothing when the warmup is empty.</summary>
    private static LearningRateSchedule HuggingFaceWarmup(SpecNode node, BuildContext context, LearningRateSchedule schedule)
    {
        double warmup = node.Number("num_warmup_steps");
        return warmup == 0
            ? schedule
            : SpecErrors.Call(node, context, () => schedule.WithWarmup(warmup), ("duration", "num_warmup_steps"));
    }

    /// <summary>
    /// Builds <c>low + (high - low) · (1 + cos(2π · cycles · min(t, T) / T)) / 2</c>, the Hugging Face cosine with
    /// <c>num_cycles</c>, as a join of half-cosines; for half a cycle it is plain cosine annealing.
    /// </summary>
    private static LearningRateSchedule CosineWaves(double high, double low, double duration, double cycles)
    {
        const int MaxHalves = 100_000;
        if (!(cycles > 0 && cycles <= MaxHalves / 2))
        {
            throw Internal.Guard.OutOfRange(nameof(cycles), cycles, "greater than zero and at most 50000");
        }

        int halves = (int)Math.Ceiling(2.0 * cycles);
        var pieces = new List<LearningRateSchedule>(halves + 1);
        var milestones = new List<double>(halves);
        double half = duration / (2.0 * cycles);
        for (int i = 0; i < halves; i++)
        {
            pieces.Add(i % 2 == 0 ? Schedule.Anneal(high, low, half, AnnealShape.Cosine) : Schedule.Anneal(low, high, half, AnnealShape.Cosine));
            if (i > 0)
            {
                milestones.Add(i * half);
            }
        }

        // Hold the value of the wave at T from T on.
        pieces.Add(Schedule.Constant(low + ((high - low) * 0.5 * (1.0 + Math.Cos(2.0 * Math.PI * cycles)))));
        milestones.Add(duration);
        return Schedule.Sequence(pieces, milestones, restartClocks: true);
    }
}
