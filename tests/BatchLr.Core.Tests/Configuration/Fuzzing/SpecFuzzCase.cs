using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchLr.Configuration;

namespace BatchLr.Core.Tests.Configuration.Fuzzing;

/// <summary>One fuzz case: a spec document and the dataset size its builds are given, both drawn from one seed.</summary>
/// <param name="Seed">The seed the case was drawn from; <see cref="FromSeed"/> draws the same case again.</param>
/// <param name="Origin">How the document was made: <c>generated</c>, or <c>mutated</c> with the mutations applied.</param>
/// <param name="Json">The document.</param>
/// <param name="DatasetSize">The dataset size passed to the builds, or <see langword="null"/>.</param>
/// <remarks>
/// Half the documents are generated from the spec catalog (every schedule, batch and scaling type, every parameter, with
/// valid, out-of-range, extreme and wrongly typed values, unit strings and nested composites); the other half take a valid
/// spec of the tests or the docs and mutate it (keys deleted or given twice, values swapped for other JSON types, numbers
/// changed to 0, -1, 1e308 or huge whole numbers, text truncated). The same seed gives the same case on every machine:
/// <see cref="Random"/> with a seed follows one fixed algorithm.
/// </remarks>
internal sealed record SpecFuzzCase(int Seed, string Origin, string Json, long? DatasetSize)
{
    private const string Duplicate = "__duplicate__";

    private static readonly string[] Units = ["ba", "sp", "tok", "ep", "dur"];

    private static readonly double[] Extremes =
    [
        0, -1, 1, 0.5, 1e308, -1e308, 1.7976931348623157e308, 5e-324, 1e-308, 1e-300, 1e-15, 1e15, 1e18, 1e20, 1e300, 2147483647,
        2147483648, 9007199254740993, 1 + 1e-15, 1 - 1e-16, 1e6, 1e9, 100000, 3,
    ];

    private static readonly string[] Oddities = ["1e309", "-0", "-1e309", "123456789012345678901234567890", "0.0000000000000000000000000001", "1E+2"];

    private static readonly IReadOnlyList<string> Seeds = [.. SpecCorpus.Valid.Distinct()];

    /// <summary>Draws the case of a seed.</summary>
    public static SpecFuzzCase FromSeed(int seed)
    {
        var random = new Random(seed);
        long? datasetSize = random.Next(4) switch
        {
            0 => null,
            1 => random.Next(1, 100),
            2 => random.Next(1, 100_000),
            _ => Pick(random, [1L, 60_000L, 1_281_167L, int.MaxValue, 1L << 53]),
        };
        if (random.Next(2) == 0)
        {
            return new SpecFuzzCase(seed, "generated", new Generator(random).Document(), datasetSize);
        }

        (string json, string mutations) = Mutate(random, Seeds[random.Next(Seeds.Count)]);
        return new SpecFuzzCase(seed, "mutated (" + mutations + ")", json, datasetSize);
    }

    /// <summary>Returns the case as a reader can replay it: seed, origin, dataset size and document.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"seed {Seed} ({Origin}), dataset size {DatasetSize?.ToString(CultureInfo.InvariantCulture) ?? "null"}:{Environment.NewLine}{Json}");

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A number as JSON; a sum that overflowed is written as 1e309, the text a JSON document would hold.</summary>
    private static JsonValue Number(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value) : (JsonValue)JsonNode.Parse(value > 0 ? "1e309" : "-1e309")!;

    /// <summary>A number as JSON, possibly one whose text a double cannot hold (1e309) or writes otherwise (-0).</summary>
    private static JsonNode? RawNumber(Random random) => JsonNode.Parse(Pick(random, Oddities));

    private static double Extreme(Random random) => Pick(random, Extremes);

    /// <summary>Applies one to three mutations to a valid spec.</summary>
    private static (string Json, string Mutations) Mutate(Random random, string source)
    {
        JsonNode root = JsonNode.Parse(source, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var applied = new List<string>();
        bool truncate = false;
        int count = 1 + random.Next(3);
        for (int i = 0; i < count; i++)
        {
            List<JsonNode> nodes = Walk(root).ToList();
            JsonNode target = nodes[random.Next(nodes.Count)];
            switch (random.Next(10))
            {
                case 0 when target.Parent is JsonObject owner:
                    owner.Remove(target.GetPropertyName());
                    applied.Add("delete " + target.GetPath());
                    break;
                case 1 when target.Parent is JsonObject owner:
                    owner[Duplicate + target.GetPropertyName()] = target.DeepClone();
                    applied.Add("duplicate " + target.GetPath());
                    break;
                case 2 when target.Parent is JsonArray array:
                    array.Insert(random.Next(array.Count + 1), target.DeepClone());
                    applied.Add("repeat " + target.GetPath());
                    break;
                case 3 when target.Parent is JsonArray array:
                    array.Remove(target);
                    applied.Add("drop " + target.GetPath());
                    break;
                case 4 or 5 when target.GetValueKind() == JsonValueKind.Number:
                    Replace(target, random.Next(4) == 0 ? RawNumber(random) : Number(Extreme(random)));
                    applied.Add("renumber " + target.GetPath());
                    break;
                case 6 when target.GetValueKind() == JsonValueKind.String:
                    Replace(target, JsonValue.Create(new Generator(random).UnitText()));
                    applied.Add("restring " + target.GetPath());
                    break;
                case 7 when target is JsonObject schedule && schedule["type"] is not null && target.Parent is not null:
                    schedule["type"] = Pick(random, SpecCatalog.TypeNames);
                    applied.Add("retype " + target.GetPath());
                    break;
                case 8 when target.Parent is not null:
                    Replace(target, new Generator(random).AnyValue());
                    applied.Add("swap " + target.GetPath());
                    break;
                case 9:
                    truncate = true;
                    break;
                default:
                    Replace(target, target is JsonObject { Parent: not null } ? new Generator(random).Schedule(1) : new Generator(random).AnyValue());
                    applied.Add("replace " + target.GetPath());
                    break;
            }
        }

        string json = root.ToJsonString().Replace("\"" + Duplicate, "\"", StringComparison.Ordinal);
        if (truncate)
        {
            json = json[..random.Next(json.Length)];
            applied.Add("truncate");
        }

        return (json, string.Join(", ", applied));
    }

    private static void Replace(JsonNode target, JsonNode? value)
    {
        switch (target.Parent)
        {
            case JsonObject owner:
                owner[target.GetPropertyName()] = value;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = value;
                break;
            default:
                break; // the root stays: a spec that is not an object is covered by the generator's wrong values
        }
    }

    private static IEnumerable<JsonNode> Walk(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (JsonNode? child in children.ToList())
        {
            if (child is not null)
            {
                foreach (JsonNode inner in Walk(child))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>Writes documents from the spec catalog: valid values mostly, and every kind of invalid one.</summary>
    private sealed class Generator(Random random)
    {
        private const int MaxDepth = 3;

        private static readonly string[] Composites = ["SequentialLR", "ChainedScheduler", "warmup", "clamp", "scale"];

        /// <summary>Types with cycles, growth or products, drawn more often: where loops and overflows hide.</summary>
        private static readonly string[] Hot =
        [
            .. new[]
            {
                "CosineAnnealingWarmRestarts", "CyclicLR", "cosine_timm", "tanh_decay", "cosine_with_restarts", "OneCycleLR", "ExponentialLR",
                "StepLR", "MultiStepLR", "exponential_decay", "noam", "ChainedScheduler", "scale", "cosine", "warmup_stable_decay",
            }.Where(name => SpecCatalog.TryGetType(name, out _)),
        ];

        /// <summary>Whether this document is written to be valid as far as each parameter's own range goes, so builds are reached.</summary>
        private readonly bool _clean = random.Next(2) == 0;

        private int _groups = 1;

        public string Document()
        {
            var root = new JsonObject();
            int roll = _clean ? 2 : random.Next(20);
            if (roll == 0)
            {
                return AnyValue()?.ToJsonString() ?? "null";
            }

            if (roll == 1)
            {
                root["lr"] = AnyValue();
            }
            else if (random.Next(4) == 0)
            {
                _groups = 1 + random.Next(3);
                root["lr"] = new JsonArray([.. Enumerable.Range(0, _groups).Select(_ => Number(Rate()))]);
            }
            else
            {
                root["lr"] = Number(Rate());
            }

            if (random.Next(4) == 0)
            {
                root["clock"] = Spoil(8) ? AnyValue() : Pick(random, ["steps", "samples", "tokens", "epochs"]);
            }

            root["schedule"] = Spoil(30) ? AnyValue() : Schedule(0);
            if (random.Next(6) == 0)
            {
                root["on_plateau"] = Section(SpecCatalog.RatePlateauParameters);
            }

            if (random.Next(3) == 0)
            {
                root["batch"] = Batch();
                if (random.Next(2) == 0)
                {
                    string rule = Pick(random, [.. SpecCatalog.ScalingTypes.Keys]);
                    root["scaling"] = Typed(rule, SpecCatalog.ScalingTypes[rule]);
                }

                if (random.Next(3) == 0)
                {
                    root["max_micro_batch_size"] = Spoil(6) ? AnyValue() : Number(Pick(random, [1, 7, 64, 1e9, 2147483647]));
                }

                if (random.Next(3) == 0)
                {
                    root["duration"] = Position();
                }

                if (random.Next(4) == 0)
                {
                    root["evaluation_interval"] = Position();
                }

                if (random.Next(5) == 0)
                {
                    root["epoch_boundary"] = Spoil(6) ? AnyValue() : Pick(random, ["continue", "keep", "drop"]);
                }
            }

            return root.ToJsonString(new JsonSerializerOptions { WriteIndented = random.Next(2) == 0 });
        }

        public JsonObject Schedule(int depth)
        {
            IReadOnlyList<string> names = SpecCatalog.TypeNames;
            string name;
            do
            {
                name = random.Next(4) == 0 ? Pick(random, Hot) : names[random.Next(names.Count)];
            }
            while ((depth > 0 && SpecCatalog.Lookup(name).Reactive && random.Next(10) != 0)
                || (depth >= MaxDepth && Composites.Contains(name)));

            return Typed(name, SpecCatalog.Lookup(name).Parameters);
        }

        /// <summary>A value of any JSON kind, valid for hardly any parameter.</summary>
        public JsonNode? AnyValue() => random.Next(10) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Next(2) == 0),
            2 => JsonValue.Create(Pick(random, ["", "abc", "NaN", "Infinity", "-Infinity", "1e309", "3ep", "0.5dur", "1,5", "ba"])),
            3 => new JsonArray(),
            4 => new JsonArray(Number(Extreme(random)), JsonValue.Create("x")),
            5 => new JsonObject(),
            6 => new JsonObject { ["type"] = Pick(random, ["constant", "nope", "LambdaLR", "fixed"]) },
            7 => RawNumber(random),
            _ => Number(Extreme(random)),
        };

        /// <summary>A position written with a unit, well or badly.</summary>
        public string UnitText()
        {
            string number = random.Next(4) switch
            {
                0 => Format(random.Next(0, 1000)),
                1 => Format(Math.Round(random.NextDouble(), 3)),
                2 => Format(Extreme(random)),
                _ => Pick(random, ["1e309", "-1", "NaN", ".5", "5.", "1e-400", "0", ""]),
            };
            string unit = random.Next(12) == 0 ? Pick(random, ["xx", "epochs", "d", string.Empty]) : Pick(random, Units);
            string space = random.Next(6) == 0 ? " " : string.Empty;
            return space + number + space + unit + space;
        }

        private JsonObject Batch()
        {
            string name = Pick(random, [.. SpecCatalog.BatchTypes.Keys]);
            JsonObject batch = Typed(name, SpecCatalog.BatchTypes[name]);
            if (random.Next(6) == 0)
            {
                batch["on_plateau"] = Section(SpecCatalog.BatchPlateauParameters);
            }

            return batch;
        }

        private JsonObject Typed(string name, IReadOnlyList<SpecParameter> parameters)
        {
            JsonObject node = Section(parameters, depth: 0);
            node.Insert(0, "type", Spoil(40) ? AnyValue() : JsonValue.Create(name));
            Relate(node);
            return node;
        }

        private JsonObject Section(IReadOnlyList<SpecParameter> parameters) => Section(parameters, 0);

        private JsonObject Section(IReadOnlyList<SpecParameter> parameters, int depth)
        {
            var node = new JsonObject();
            foreach (SpecParameter parameter in parameters)
            {
                if (parameter.Required ? !Spoil(30) : random.Next(2) == 0)
                {
                    node[parameter.Name] = Spoil(25) ? AnyValue() : Value(parameter, depth);
                }
            }

            if (Spoil(40))
            {
                node["unknown_parameter"] = 1;
            }

            return node;
        }

        private JsonNode? Value(SpecParameter parameter, int depth)
        {
            if (parameter.Nullable && random.Next(8) == 0)
            {
                return null;
            }

            if (parameter.IsPosition && parameter.Kind is SpecParameterKind.Number or SpecParameterKind.Integer && random.Next(4) == 0)
            {
                return UnitText();
            }

            switch (parameter.Kind)
            {
                case SpecParameterKind.Number:
                    return Number(InRange(parameter));
                case SpecParameterKind.Integer:
                    return Number(Math.Round(InRange(parameter)));
                case SpecParameterKind.Boolean:
                    return JsonValue.Create(random.Next(2) == 0);
                case SpecParameterKind.Choice:
                    return Spoil(15) ? JsonValue.Create("bogus") : JsonValue.Create(Pick(random, parameter.Choices!));
                case SpecParameterKind.Numbers:
                    return Numbers(parameter, random.Next(5));
                case SpecParameterKind.PerGroup:
                    if (random.Next(3) == 0)
                    {
                        int length = random.Next(8) == 0 ? _groups + 1 : _groups;
                        return new JsonArray([.. Enumerable.Range(0, length).Select(_ => Number(InRange(parameter)))]);
                    }

                    return Number(InRange(parameter));
                case SpecParameterKind.Schedule:
                    return Schedule(depth + 1);
                default:
                    return new JsonArray([.. Enumerable.Range(0, 1 + random.Next(3)).Select(_ => (JsonNode)Schedule(depth + 1))]);
            }
        }

        private JsonArray Numbers(SpecParameter parameter, int count)
        {
            var values = new List<double>();
            double at = 0;
            for (int i = 0; i < count; i++)
            {
                at += random.Next(5) == 0 ? Extreme(random) : 1 + random.Next(50);
                values.Add(random.Next(10) == 0 ? InRange(parameter) : at);
            }

            if (parameter.Range is { Minimum: >= 1 } && random.Next(4) != 0)
            {
                values = values.ConvertAll(v => (double)(1 + random.Next(512)));
            }

            if (parameter.IsPosition && count > 0 && random.Next(5) == 0)
            {
                return new JsonArray([.. values.Select(v => random.Next(2) == 0 ? (JsonNode)JsonValue.Create(UnitText()) : Number(v))]);
            }

            return new JsonArray([.. values.Select(Number)]);
        }

        /// <summary>Whether to spoil a value with a wrong one, one time in <paramref name="oneIn"/>; never in a clean document.</summary>
        private bool Spoil(int oneIn) => !_clean && random.Next(oneIn) == 0;

        /// <summary>A number within the parameter's range most of the time, just outside it, or an extreme; always within it in a clean document.</summary>
        private double InRange(SpecParameter parameter)
        {
            double low = parameter.Range?.Minimum ?? -10;
            double high = parameter.Range?.Maximum ?? Math.Max(low, 0) + 1000;
            if (_clean)
            {
                for (int attempt = 0; attempt < 8; attempt++)
                {
                    double value = Wild(low, high, parameter.Range?.Maximum);
                    if (parameter.Range is not { } range ? value >= 0 : range.Contains(value))
                    {
                        return value;
                    }
                }

                return Math.Max(low, 0) + 1;
            }

            return Wild(low, high, parameter.Range?.Maximum);
        }

        private double Wild(double low, double high, double? maximum)
        {
            return random.Next(12) switch
            {
                0 or 9 => Extreme(random),
                1 => low - (random.Next(2) == 0 ? 1 : 1e-9),
                2 => low,
                3 => maximum is { } max ? max + (random.Next(2) == 0 ? 1e-9 : 1) : Extreme(random),
                4 => high,
                5 or 6 => Math.Max(low, 0) + Math.Pow(10, (random.NextDouble() * 12) - 6),
                7 => Math.Max(low, 0) + random.Next(20),
                _ => low + ((Math.Min(high, low + 100) - low) * random.NextDouble()),
            };
        }

        /// <summary>A learning rate: a usual one, zero, or an extreme.</summary>
        private double Rate() => random.Next(10) switch
        {
            0 => _clean ? Math.Abs(Extreme(random)) : Extreme(random),
            1 => 0,
            _ => Math.Pow(10, -5 + (random.NextDouble() * 5)),
        };

        private JsonNode? Position() => random.Next(3) switch
        {
            0 => UnitText(),
            1 => Number(1 + random.Next(10_000)),
            _ => Number(Extreme(random)),
        };

        /// <summary>Gives joined parameters the lengths and pairings their types ask for, most of the time, so deep builds are reached.</summary>
        private void Relate(JsonObject node)
        {
            if (random.Next(5) == 0)
            {
                return;
            }

            if (node["schedulers"] is JsonArray children && node.ContainsKey("milestones"))
            {
                node["milestones"] = Ascending(children.Count - 1);
            }

            Match(node, "boundaries", "values", 1);
            Match(node, "positions", "values", 0);
            Match(node, "milestones", "sizes", 1);
            if (node["type"]?.GetValueKind() == JsonValueKind.String && (string?)node["type"] == "OneCycleLR")
            {
                if (random.Next(2) == 0)
                {
                    node.Remove("epochs");
                    node.Remove("steps_per_epoch");
                    node["total_steps"] ??= 1 + random.Next(1000);
                }
                else
                {
                    node.Remove("total_steps");
                    node["epochs"] = 1 + random.Next(10);
                    node["steps_per_epoch"] = 1 + random.Next(100);
                }
            }

            if (node.ContainsKey("min_lr") && node.ContainsKey("min_lr_rate"))
            {
                node.Remove(random.Next(2) == 0 ? "min_lr" : "min_lr_rate");
            }
        }

        private void Match(JsonObject node, string keys, string values, int extra)
        {
            if (node[keys] is JsonArray k && node[values] is JsonArray v && v.Count != k.Count + extra)
            {
                while (v.Count < k.Count + extra)
                {
                    v.Add(Number(random.Next(2) == 0 ? random.NextDouble() : 1 + random.Next(256)));
                }

                while (v.Count > k.Count + extra)
                {
                    v.RemoveAt(v.Count - 1);
                }
            }
        }

        private JsonArray Ascending(int count)
        {
            var array = new JsonArray();
            double at = 0;
            for (int i = 0; i < count; i++)
            {
                at += random.Next(6) == 0 ? Extreme(random) : 1 + random.Next(100);
                array.Add(Number(at));
            }

            return array;
        }
    }
}
