using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BatchLr.Configuration;

/// <summary>Writes the JSON Schema (draft 2020-12) of the spec from the catalog: every type, parameter, JSON shape, default, choice and range.</summary>
/// <remarks>
/// <para>
/// The schema is generated, never written by hand, so it cannot drift from what <see cref="ScheduleSpec.Parse(string)"/> reads;
/// <c>docs/spec.schema.json</c> is a committed copy that a test keeps equal to <see cref="Text"/>.
/// </para>
/// <para>
/// It states shapes: the names of types and parameters (anything else is refused, as the reader refuses it), the JSON type of
/// each value, what is required, the choices, and the ranges each parameter has whatever the others say
/// (<see cref="SpecParameter.Range"/>). Rules that join values stay with <see cref="ScheduleSpec.Parse(string)"/>: a per-group
/// array as long as <c>lr</c>, <c>OneCycleLR</c>'s <c>total_steps</c> or <c>epochs</c> with <c>steps_per_epoch</c>, ascending
/// milestones, a <c>"0.1dur"</c> that needs a <c>duration</c>, and the number inside a unit string (whole steps, greater than zero).
/// </para>
/// <para>
/// Each type is a definition <c>schedule.NAME</c>, <c>batch.NAME</c> or <c>scaling.NAME</c> in <c>$defs</c>, picked by its
/// <c>"type"</c> through <c>if</c>/<c>then</c>, so a validator reports the errors of the type that was named, not of every type.
/// </para>
/// </remarks>
internal static class SpecSchema
{
    private const string Draft = "https://json-schema.org/draft/2020-12/schema";
    private const string PositionRef = "#/$defs/position";
    private const string LengthRef = "#/$defs/length";
    private const string ScheduleRef = "#/$defs/schedule";
    private const string NestedScheduleRef = "#/$defs/nested_schedule";
    private const string RatePlateauRef = "#/$defs/on_plateau";
    private const string BatchPlateauRef = "#/$defs/batch_on_plateau";

    /// <summary>A number followed by a unit, as <see cref="TrainingDuration.Parse(string)"/> reads it (the reader trims, and the number may carry white space).</summary>
    private const string Number = "[+]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+)(?:[eE][+-]?[0-9]+)?";

    /// <summary>Gets the schema, indented with two spaces and with <c>\n</c> line ends, written afresh at each call.</summary>
    /// <remarks>
    /// Not cached: it is read rarely (the CLI, tests), and a cached copy would hide changes to the writer from mutation testing,
    /// which switches mutants inside one process.
    /// </remarks>
    public static string Text => Generate();

    private static string Generate()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", Draft);
            writer.WriteString("title", "BatchLr schedule spec");
            writer.WriteString(
                "description",
                "A learning-rate schedule, and optionally a training plan (batch size, scaling, micro-batches), in the names of PyTorch, Hugging Face and timm; read by BatchLr's ScheduleSpec.Parse. Generated from the spec catalog; docs/spec.md describes every type.");
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            WriteTopLevel(writer);
            writer.WriteEndObject();
            WriteStrings(writer, "required", [ScheduleSpec.RatesKey, ScheduleSpec.ScheduleKey]);
            writer.WriteBoolean("additionalProperties", false);
            writer.WriteStartObject("dependentRequired");
            foreach (string key in (string[])[ScheduleSpec.ScalingKey, ScheduleSpec.MicroBatchKey, ScheduleSpec.DurationKey, ScheduleSpec.EvaluationKey, ScheduleSpec.BoundaryKey])
            {
                WriteStrings(writer, key, [ScheduleSpec.BatchKey]);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("$defs");
            WriteDefinitions(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n", System.StringComparison.Ordinal) + "\n";
    }

    private static void WriteTopLevel(Utf8JsonWriter writer)
    {
        writer.WriteStartObject(ScheduleSpec.RatesKey);
        writer.WriteString("description", "The base learning rate, or one per parameter group.");
        WriteStrings(writer, "type", ["number", "array"]);
        writer.WriteNumber("minimum", 0);
        writer.WriteNumber("minItems", 1);
        writer.WriteStartObject("items");
        writer.WriteString("type", "number");
        writer.WriteNumber("minimum", 0);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartObject(ScheduleSpec.ClockKey);
        writer.WriteString("description", "The clock the schedules read.");
        WriteStrings(writer, "enum", ScheduleSpec.ClockNames);
        writer.WriteString("default", ScheduleSpec.ClockNames[0]);
        writer.WriteEndObject();

        writer.WriteStartObject(ScheduleSpec.ScheduleKey);
        writer.WriteString("$ref", ScheduleRef);
        writer.WriteEndObject();

        writer.WriteStartObject(ScheduleSpec.PlateauKey);
        writer.WriteString("$ref", RatePlateauRef);
        writer.WriteEndObject();

        writer.WriteStartObject(ScheduleSpec.BatchKey);
        writer.WriteString("$ref", "#/$defs/batch");
        writer.WriteEndObject();

        writer.WriteStartObject(ScheduleSpec.ScalingKey);
        writer.WriteString("$ref", "#/$defs/scaling");
        writer.WriteEndObject();

        writer.WriteStartObject(ScheduleSpec.MicroBatchKey);
        writer.WriteString("description", "The largest micro-batch one replica holds; null for no limit.");
        WriteStrings(writer, "type", ["integer", "null"]);
        writer.WriteNumber("minimum", 1);
        writer.WriteNumber("maximum", int.MaxValue);
        writer.WriteNull("default");
        writer.WriteEndObject();

        WriteLength(writer, ScheduleSpec.DurationKey, LengthRef, "The length of training: a number on the spec's clock, or a length with a unit; null for none.");
        WriteLength(writer, ScheduleSpec.EvaluationKey, PositionRef, "How often a plan is an evaluation point: a number on the spec's clock, a length with a unit, or a fraction of the duration; null for never.");

        writer.WriteStartObject(ScheduleSpec.BoundaryKey);
        writer.WriteString("description", "What a step does when its batch is larger than what remains of the epoch.");
        WriteStrings(writer, "enum", ScheduleSpec.BoundaryNames);
        writer.WriteString("default", ScheduleSpec.BoundaryNames[0]);
        writer.WriteEndObject();
    }

    /// <summary>Writes a nullable length property: a positive number on the spec's clock or a unit string the reference describes.</summary>
    private static void WriteLength(Utf8JsonWriter writer, string key, string reference, string description)
    {
        writer.WriteStartObject(key);
        writer.WriteString("description", description);
        writer.WriteString("$ref", reference);
        WriteStrings(writer, "type", ["number", "string", "null"]);
        writer.WriteNumber("exclusiveMinimum", 0);
        writer.WriteNull("default");
        writer.WriteEndObject();
    }

    private static void WriteDefinitions(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("position");
        writer.WriteString(
            "description",
            "A position or length on a clock: a number on the clock it is read on, or a string with a unit, as Composer writes time: \"1000ba\" (steps), \"5e4sp\" (samples), \"1e6tok\" (tokens), \"2ep\" (epochs) or \"0.1dur\" (a fraction of the top-level duration).");
        writer.WriteString("pattern", "^\\s*" + Number + "\\s*(?:ba|sp|tok|ep|dur)\\s*$");
        writer.WriteEndObject();

        writer.WriteStartObject("length");
        writer.WriteString("description", "A length on a clock with a unit: \"1000ba\", \"5e4sp\", \"1e6tok\" or \"2ep\".");
        writer.WriteString("pattern", "^\\s*" + Number + "\\s*(?:ba|sp|tok|ep)\\s*$");
        writer.WriteEndObject();

        IReadOnlyList<string> all = SpecCatalog.TypeNames;
        string[] closedForm = [.. all.Where(name => !SpecCatalog.Lookup(name).Reactive)];

        writer.WriteStartObject("schedule");
        writer.WriteString("description", "A schedule object: \"type\" and that type's parameters.");
        WriteDispatch(writer, "schedule", all);
        writer.WriteEndObject();

        writer.WriteStartObject("nested_schedule");
        writer.WriteString("description", "A schedule nested in another: any closed-form type; a reduce-on-plateau type is the top-level schedule only.");
        writer.WriteString("$ref", ScheduleRef);
        writer.WriteStartObject("properties");
        writer.WriteStartObject("type");
        WriteStrings(writer, "enum", closedForm);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartObject(ScheduleSpec.PlateauKey);
        writer.WriteString("description", "A reduce-on-plateau factor on top of a closed-form schedule.");
        WriteSection(writer, SpecCatalog.RatePlateauParameters);
        writer.WriteEndObject();

        writer.WriteStartObject("batch");
        writer.WriteString("description", "A batch-size policy: \"type\", its parameters, the constraint parameters, and an optional on_plateau.");
        WriteDispatch(writer, "batch", [.. SpecCatalog.BatchTypes.Keys]);
        writer.WriteEndObject();

        writer.WriteStartObject("batch_on_plateau");
        writer.WriteString("description", "A plateau factor on top of a closed-form batch-size policy.");
        WriteSection(writer, SpecCatalog.BatchPlateauParameters);
        writer.WriteEndObject();

        writer.WriteStartObject("scaling");
        writer.WriteString("description", "The rule that scales the learning rate with the batch size; none when left out.");
        WriteDispatch(writer, "scaling", [.. SpecCatalog.ScalingTypes.Keys]);
        writer.WriteEndObject();

        foreach (string name in all)
        {
            WriteType(writer, "schedule." + name, name, SpecCatalog.Lookup(name).Parameters, plateau: null);
        }

        foreach (KeyValuePair<string, SpecParameter[]> type in SpecCatalog.BatchTypes)
        {
            WriteType(writer, "batch." + type.Key, type.Key, type.Value, BatchPlateauRef);
        }

        foreach (KeyValuePair<string, SpecParameter[]> type in SpecCatalog.ScalingTypes)
        {
            WriteType(writer, "scaling." + type.Key, type.Key, type.Value, plateau: null);
        }
    }

    /// <summary>Writes an object whose <c>"type"</c> picks the definition that checks the rest.</summary>
    private static void WriteDispatch(Utf8JsonWriter writer, string family, IReadOnlyList<string> names)
    {
        writer.WriteString("type", "object");
        WriteStrings(writer, "required", ["type"]);
        writer.WriteStartObject("properties");
        writer.WriteStartObject("type");
        WriteStrings(writer, "enum", names);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartArray("allOf");
        foreach (string name in names)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("if");
            writer.WriteStartObject("properties");
            writer.WriteStartObject("type");
            writer.WriteString("const", name);
            writer.WriteEndObject();
            writer.WriteEndObject();
            WriteStrings(writer, "required", ["type"]);
            writer.WriteEndObject();
            writer.WriteStartObject("then");
            writer.WriteString("$ref", "#/$defs/" + family + "." + name);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteType(Utf8JsonWriter writer, string key, string name, IReadOnlyList<SpecParameter> parameters, string? plateau)
    {
        writer.WriteStartObject(key);
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        writer.WriteStartObject("type");
        writer.WriteString("const", name);
        writer.WriteEndObject();
        foreach (SpecParameter parameter in parameters)
        {
            WriteParameter(writer, parameter);
        }

        if (plateau is not null)
        {
            writer.WriteStartObject(ScheduleSpec.PlateauKey);
            writer.WriteString("$ref", plateau);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        WriteStrings(writer, "required", ["type", .. parameters.Where(p => p.Required).Select(p => p.Name)]);
        writer.WriteBoolean("additionalProperties", false);
        writer.WriteEndObject();
    }

    /// <summary>Writes the body of an object without a type, such as an <c>on_plateau</c> section.</summary>
    private static void WriteSection(Utf8JsonWriter writer, IReadOnlyList<SpecParameter> parameters)
    {
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        foreach (SpecParameter parameter in parameters)
        {
            WriteParameter(writer, parameter);
        }

        writer.WriteEndObject();
        WriteStrings(writer, "required", [.. parameters.Where(p => p.Required).Select(p => p.Name)]);
        writer.WriteBoolean("additionalProperties", false);
    }

    private static void WriteParameter(Utf8JsonWriter writer, SpecParameter parameter)
    {
        writer.WriteStartObject(parameter.Name);
        string? nullable = parameter.Nullable ? "null" : null;
        switch (parameter.Kind)
        {
            case SpecParameterKind.Number:
            case SpecParameterKind.Integer:
                string number = parameter.Kind == SpecParameterKind.Integer ? "integer" : "number";
                if (parameter.IsPosition)
                {
                    writer.WriteString("$ref", PositionRef);
                    WriteTypes(writer, number, "string", nullable);
                }
                else
                {
                    WriteTypes(writer, number, nullable);
                }

                WriteRange(writer, parameter.Range, parameter.Kind == SpecParameterKind.Integer);
                break;
            case SpecParameterKind.Boolean:
                WriteTypes(writer, "boolean", nullable);
                break;
            case SpecParameterKind.Choice:
                writer.WriteStartArray("enum");
                foreach (string choice in parameter.Choices!)
                {
                    writer.WriteStringValue(choice);
                }

                if (parameter.Nullable)
                {
                    writer.WriteNullValue();
                }

                writer.WriteEndArray();
                break;
            case SpecParameterKind.Numbers:
                WriteTypes(writer, "array", nullable);
                writer.WriteStartObject("items");
                if (parameter.IsPosition)
                {
                    writer.WriteString("$ref", PositionRef);
                    WriteTypes(writer, "number", "string");
                }
                else
                {
                    writer.WriteString("type", "number");
                }

                WriteRange(writer, parameter.Range, integer: false);
                writer.WriteEndObject();
                break;
            case SpecParameterKind.PerGroup:
                writer.WriteString("description", "A number for every parameter group, or an array with one number per group, as long as lr.");
                WriteTypes(writer, "number", "array", nullable);
                WriteRange(writer, parameter.Range, integer: false);
                writer.WriteNumber("minItems", 1);
                writer.WriteStartObject("items");
                writer.WriteString("type", "number");
                WriteRange(writer, parameter.Range, integer: false);
                writer.WriteEndObject();
                break;
            case SpecParameterKind.Schedule:
                writer.WriteString("$ref", NestedScheduleRef);
                break;
            default:
                writer.WriteString("type", "array");
                writer.WriteStartObject("items");
                writer.WriteString("$ref", NestedScheduleRef);
                writer.WriteEndObject();
                break;
        }

        if (!parameter.Required)
        {
            WriteValue(writer, "default", parameter.Default);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a range; a whole number is also within what the reader accepts, ±<see cref="int.MaxValue"/>.</summary>
    private static void WriteRange(Utf8JsonWriter writer, SpecRange? range, bool integer)
    {
        double? minimum = range?.Minimum;
        double? maximum = range?.Maximum;
        bool minimumExclusive = range?.MinimumExclusive ?? false;
        bool maximumExclusive = range?.MaximumExclusive ?? false;
        if (integer)
        {
            if (minimum is null || minimum < -int.MaxValue)
            {
                (minimum, minimumExclusive) = (-int.MaxValue, false);
            }

            if (maximum is null || maximum > int.MaxValue)
            {
                (maximum, maximumExclusive) = (int.MaxValue, false);
            }
        }

        if (minimum is { } low)
        {
            writer.WriteNumber(minimumExclusive ? "exclusiveMinimum" : "minimum", low);
        }

        if (maximum is { } high)
        {
            writer.WriteNumber(maximumExclusive ? "exclusiveMaximum" : "maximum", high);
        }
    }

    private static void WriteTypes(Utf8JsonWriter writer, params string?[] types)
    {
        string[] given = [.. types.Where(t => t is not null).Select(t => t!)];
        if (given.Length == 1)
        {
            writer.WriteString("type", given[0]);
        }
        else
        {
            WriteStrings(writer, "type", given);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(key);
                break;
            case double number:
                writer.WriteNumber(key, number);
                break;
            case bool flag:
                writer.WriteBoolean(key, flag);
                break;
            default:
                writer.WriteString(key, (string)value);
                break;
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string key, IEnumerable<string> values)
    {
        writer.WriteStartArray(key);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
