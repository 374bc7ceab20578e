using System.Collections.Generic;
using System.Text.Json;

namespace BatchLr.Configuration;

/// <summary>Writes canonical spec JSON: every parameter, in declaration order.</summary>
internal static class SpecWriter
{
    public static void WriteSchedule(Utf8JsonWriter writer, SpecNode node, string? sectionKey = null, SpecNode? section = null)
    {
        writer.WriteStartObject();
        writer.WriteString("type", node.Type);
        WriteValues(writer, node);
        if (section is not null)
        {
            writer.WritePropertyName(sectionKey!);
            WriteSection(writer, section);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes an object without a type, such as an <c>on_plateau</c> section.</summary>
    public static void WriteSection(Utf8JsonWriter writer, SpecNode node)
    {
        writer.WriteStartObject();
        WriteValues(writer, node);
        writer.WriteEndObject();
    }

    public static void WriteNumbers(Utf8JsonWriter writer, double[] values)
    {
        writer.WriteStartArray();
        foreach (double value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteValues(Utf8JsonWriter writer, SpecNode node)
    {
        foreach (KeyValuePair<string, object?> pair in node.Values)
        {
            writer.WritePropertyName(pair.Key);
            WriteValue(writer, pair.Value);
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case double[] numbers:
                WriteNumbers(writer, numbers);
                break;
            case SpecPosition position:
                writer.WriteStringValue(position.ToString()); // kept with its unit, so the canonical form reads back to the same spec
                break;
            case SpecNode child:
                WriteSchedule(writer, child);
                break;
            case SpecNode[] children:
                writer.WriteStartArray();
                foreach (SpecNode item in children)
                {
                    WriteSchedule(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                // Positions, some with units: numbers and SpecPositions.
                writer.WriteStartArray();
                foreach (object? item in (object?[])value)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
        }
    }
}
