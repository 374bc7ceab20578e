using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchLr.Configuration;
using Json.Schema;

namespace BatchLr.Core.Tests.Configuration;

/// <summary>The spec's JSON Schema, checked with an independent validator (JsonSchema.Net) against the catalog, the reader and the docs.</summary>
public class SpecSchemaTests
{
    /// <summary>Set to 1 to rewrite docs/spec.schema.json from <see cref="ScheduleSpec.JsonSchema"/> instead of comparing.</summary>
    private const string UpdateVariable = "BATCHLR_UPDATE_SCHEMA";

    private static readonly JsonSchema Schema = JsonSchema.FromText(ScheduleSpec.JsonSchema);

    private static readonly JsonDocumentOptions Comments = new() { CommentHandling = JsonCommentHandling.Skip };

    public static TheoryData<string> ValidSpecs => [.. SpecCorpus.Valid];

    public static TheoryData<string, string> ShapeErrors
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach ((string json, string path) in SpecCorpus.ShapeErrors)
            {
                data.Add(json, path);
            }

            return data;
        }
    }

    public static TheoryData<string, string, double> RangeEdges
    {
        get
        {
            var data = new TheoryData<string, string, double>();
            foreach ((string json, string path, double value) in OutsideEveryRange())
            {
                data.Add(json, path, value);
            }

            return data;
        }
    }

    [Fact]
    public void JsonSchema_IsValidDraft202012()
    {
        using JsonDocument schema = JsonDocument.Parse(ScheduleSpec.JsonSchema);

        EvaluationResults result = MetaSchemas.Draft202012.Evaluate(schema.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        result.IsValid.Should().BeTrue(Describe(result));
        schema.RootElement.GetProperty("$schema").GetString().Should().Be("https://json-schema.org/draft/2020-12/schema");
    }

    [Fact]
    public void JsonSchema_CalledTwice_ReturnsSameText() =>
        ScheduleSpec.JsonSchema.Should().Be(ScheduleSpec.JsonSchema, because: "the schema is written from the catalog alone, the same text at every call");

    [Fact]
    public void JsonSchema_CommittedCopy_IsCurrent()
    {
        string path = Path.Combine(SpecCorpus.RepositoryRoot(), "docs", "spec.schema.json");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, ScheduleSpec.JsonSchema);
        }

        string committed = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);

        committed.Should().Be(ScheduleSpec.JsonSchema, $"docs/spec.schema.json is a copy of ScheduleSpec.JsonSchema; run the tests once with {UpdateVariable}=1 to rewrite it");
    }

    [Fact]
    public void JsonSchema_EveryCatalogType_HasEveryParameterWithItsDefault()
    {
        JsonObject definitions = Definitions();

        foreach (string name in SpecCatalog.TypeNames)
        {
            CheckType(definitions, "schedule." + name, name, SpecCatalog.Lookup(name).Parameters, extra: []);
        }

        foreach ((string name, SpecParameter[] parameters) in SpecCatalog.BatchTypes)
        {
            CheckType(definitions, "batch." + name, name, parameters, extra: ["on_plateau"]);
        }

        foreach ((string name, SpecParameter[] parameters) in SpecCatalog.ScalingTypes)
        {
            CheckType(definitions, "scaling." + name, name, parameters, extra: []);
        }

        CheckSection(definitions["on_plateau"]!.AsObject(), SpecCatalog.RatePlateauParameters);
        CheckSection(definitions["batch_on_plateau"]!.AsObject(), SpecCatalog.BatchPlateauParameters);
        Names(definitions["schedule"]!["properties"]!["type"]!["enum"]!).Should().Equal(SpecCatalog.TypeNames);
        Names(definitions["nested_schedule"]!["properties"]!["type"]!["enum"]!).Should().Equal(SpecCatalog.TypeNames.Where(t => !SpecCatalog.Lookup(t).Reactive));
        Names(definitions["batch"]!["properties"]!["type"]!["enum"]!).Should().Equal(SpecCatalog.BatchTypes.Keys);
        Names(definitions["scaling"]!["properties"]!["type"]!["enum"]!).Should().Equal(SpecCatalog.ScalingTypes.Keys);
    }

    [Fact]
    public void JsonSchema_TopLevel_ListsEverySpecKey()
    {
        JsonObject root = JsonNode.Parse(ScheduleSpec.JsonSchema)!.AsObject();

        root["properties"]!.AsObject().Select(p => p.Key).Should().Equal(ScheduleSpec.Keys);
        Names(root["required"]!).Should().Equal("lr", "schedule");
        root["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void Corpus_CoversEveryType()
    {
        SpecCorpus.ScheduleBases.Keys.Should().BeEquivalentTo(SpecCatalog.TypeNames);
        SpecCorpus.BatchBases.Keys.Should().BeEquivalentTo(SpecCatalog.BatchTypes.Keys);
        SpecCorpus.ScalingBases.Keys.Should().BeEquivalentTo(SpecCatalog.ScalingTypes.Keys);
        SpecCorpus.Valid.Count().Should().BeGreaterThanOrEqualTo(30);
        SpecCorpus.FromDocs().Count().Should().BeGreaterThanOrEqualTo(7, "docs/spec.md, the README and the sample hold that many whole specs");
    }

    [Theory]
    [MemberData(nameof(ValidSpecs))]
    public void JsonSchema_ValidSpec_Passes(string json)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(json);

        Validate(json).IsValid.Should().BeTrue(Describe(Validate(json)));
        Validate(spec.ToJson()).IsValid.Should().BeTrue("the canonical form, every default written out, is a spec too: " + Describe(Validate(spec.ToJson())));
    }

    [Theory]
    [MemberData(nameof(ShapeErrors))]
    public void JsonSchema_ShapeError_FailsAsParseDoes(string json, string path)
    {
        Action parse = () => ScheduleSpec.Parse(json);
        parse.Should().Throw<ScheduleSpecException>().Which.Path.Should().Be(path);

        Validate(json).IsValid.Should().BeFalse("Parse refuses the spec for its shape at " + path);
    }

    /// <summary>A value just outside the range the schema states for a parameter is refused by Parse too, at that parameter: the schema never refuses what Parse accepts.</summary>
    [Theory]
    [MemberData(nameof(RangeEdges))]
    public void JsonSchema_ValueOutsideRange_ParseRefusesItToo(string json, string path, double value)
    {
        Action parse = () => ScheduleSpec.Parse(json);
        parse.Should().Throw<ScheduleSpecException>()
            .Which.Path.Should().Match(p => p == path || p.StartsWith(path + "[", StringComparison.Ordinal), $"{value} is outside the range the schema states for {path}");

        Validate(json).IsValid.Should().BeFalse();
    }

    [Fact]
    public void RangeEdges_CoverEveryRange()
    {
        int ranges = Sections().Sum(s => s.Parameters.Count(p => p.Range is not null));

        OutsideEveryRange().Count().Should().BeGreaterThanOrEqualTo(ranges);
        ranges.Should().BeGreaterThan(80);
    }

    private static EvaluationResults Validate(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json, Comments);
        return Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => d.InstanceLocation + " " + e.Key + ": " + e.Value)));

    private static JsonObject Definitions() => JsonNode.Parse(ScheduleSpec.JsonSchema)!["$defs"]!.AsObject();

    private static IEnumerable<string> Names(JsonNode array) => array.AsArray().Select(n => n!.GetValue<string>());

    private static void CheckType(JsonObject definitions, string key, string name, IReadOnlyList<SpecParameter> parameters, string[] extra)
    {
        JsonObject definition = definitions[key]!.AsObject();
        JsonObject properties = definition["properties"]!.AsObject();
        properties["type"]!["const"]!.GetValue<string>().Should().Be(name);
        properties.Select(p => p.Key).Should().Equal(["type", .. parameters.Select(p => p.Name), .. extra], key);
        Names(definition["required"]!).Should().Equal(["type", .. parameters.Where(p => p.Required).Select(p => p.Name)], key);
        definition["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
        CheckParameters(properties, parameters, key);
    }

    private static void CheckSection(JsonObject definition, IReadOnlyList<SpecParameter> parameters)
    {
        JsonObject properties = definition["properties"]!.AsObject();
        properties.Select(p => p.Key).Should().Equal(parameters.Select(p => p.Name));
        CheckParameters(properties, parameters, "section");
    }

    private static void CheckParameters(JsonObject properties, IReadOnlyList<SpecParameter> parameters, string owner)
    {
        foreach (SpecParameter parameter in parameters)
        {
            JsonObject property = properties[parameter.Name]!.AsObject();
            string because = owner + "." + parameter.Name;
            if (parameter.Required)
            {
                property.ContainsKey("default").Should().BeFalse(because);
            }
            else
            {
                JsonNode? written = property["default"];
                property.ContainsKey("default").Should().BeTrue(because);
                switch (parameter.Default)
                {
                    case null:
                        written.Should().BeNull(because);
                        break;
                    case double number:
                        written!.GetValue<double>().Should().Be(number, because);
                        break;
                    case bool flag:
                        written!.GetValue<bool>().Should().Be(flag, because);
                        break;
                    default:
                        written!.GetValue<string>().Should().Be((string)parameter.Default, because);
                        break;
                }
            }

            if (parameter.Choices is { } choices)
            {
                property["enum"]!.AsArray().Select(n => n?.GetValue<string>()).Should().Equal(
                    parameter.Nullable ? [.. choices, null] : choices.Cast<string?>(),
                    because);
            }

            if (parameter.IsPosition)
            {
                string text = property.ToJsonString();
                text.Should().Contain("#/$defs/position", because + " takes unit strings");
            }
        }
    }

    /// <summary>Every object of the spec with its parameters, the JSON path of the object, and a valid spec that holds it.</summary>
    private static IEnumerable<(string Base, string ObjectPath, IReadOnlyList<SpecParameter> Parameters)> Sections()
    {
        foreach (string name in SpecCatalog.TypeNames)
        {
            yield return (SpecCorpus.ScheduleBases[name], "$.schedule", SpecCatalog.Lookup(name).Parameters);
        }

        foreach ((string name, SpecParameter[] parameters) in SpecCatalog.BatchTypes)
        {
            yield return (SpecCorpus.BatchBases[name], "$.batch", parameters);
        }

        foreach ((string name, SpecParameter[] parameters) in SpecCatalog.ScalingTypes)
        {
            yield return (SpecCorpus.ScalingBases[name], "$.scaling", parameters);
        }

        yield return (SpecCorpus.RatePlateauBase, "$.on_plateau", SpecCatalog.RatePlateauParameters);
        yield return (SpecCorpus.BatchPlateauBase, "$.batch.on_plateau", SpecCatalog.BatchPlateauParameters);
    }

    /// <summary>For every end of every range, a valid spec with that parameter just outside it.</summary>
    private static IEnumerable<(string Json, string Path, double Value)> OutsideEveryRange()
    {
        foreach ((string json, string objectPath, IReadOnlyList<SpecParameter> parameters) in Sections())
        {
            foreach (SpecParameter parameter in parameters)
            {
                if (parameter.Range is not { } range)
                {
                    continue;
                }

                double step = parameter.Kind == SpecParameterKind.Integer ? 1 : 0.5;
                var outside = new List<double>();
                if (range.Minimum is { } low)
                {
                    outside.Add(range.MinimumExclusive ? low : low - step);
                }

                if (range.Maximum is { } high)
                {
                    outside.Add(range.MaximumExclusive ? high : high + step);
                }

                foreach (double value in outside)
                {
                    range.Contains(value).Should().BeFalse();
                    yield return (With(json, objectPath, parameter, value), objectPath + "." + parameter.Name, value);
                }
            }
        }
    }

    /// <summary>Returns the spec with one parameter set to a value (the first element, for an array), and the parameters that would conflict with it removed.</summary>
    private static string With(string json, string objectPath, SpecParameter parameter, double value)
    {
        JsonObject root = JsonNode.Parse(json)!.AsObject();
        JsonObject target = root;
        foreach (string key in objectPath.Split('.').Skip(1))
        {
            target = target[key]!.AsObject();
        }

        // Exactly one of min_lr and min_lr_rate; total_steps, or epochs with steps_per_epoch.
        switch (parameter.Name)
        {
            case "min_lr" when target.ContainsKey("min_lr_rate"):
                target.Remove("min_lr_rate");
                break;
            case "min_lr_rate" when target.ContainsKey("min_lr"):
                target.Remove("min_lr");
                break;
            case "epochs" or "steps_per_epoch" when target["type"]?.GetValue<string>() == "OneCycleLR":
                target.Remove("total_steps");
                target["epochs"] = 10;
                target["steps_per_epoch"] = 10;
                break;
        }

        if (parameter.Kind == SpecParameterKind.Numbers)
        {
            JsonArray array = target[parameter.Name] is JsonArray existing ? existing : [value];
            array[0] = value;
            target[parameter.Name] = JsonNode.Parse(array.ToJsonString());
        }
        else
        {
            target[parameter.Name] = JsonValue.Create(value);
        }

        return root.ToJsonString();
    }
}
