using System.Collections.Generic;
using System.Text.Json;

namespace BatchLr.Configuration;

/// <summary>Writes canonical spec JSON: every parameter, in declaration order.</summary>
internal static class SpecWriter
{
    public static void WriteSchedule(Utf8JsonWriter writer, SpecNode node)
    {
        writer.WriteStartObject();
        writer.WriteString("type", node.Type);
        foreach (KeyValuePair<string, object?> pair in node.Values)
        {
            writer.WritePropertyName(pair.Key);
            WriteValue(writer, pair.Value);
        }

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
            case SpecNode child:
                WriteSchedule(writer, child);
                break;
            default:
                writer.WriteStartArray();
                foreach (SpecNode item in (SpecNode[])value)
                {
                    WriteSchedule(writer, item);
                }

                writer.WriteEndArray();
                break;
        }
    }
}
