using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace BatchLr.Internal;

/// <summary>Turns a configuration section holding a spec's keys into spec JSON, and a spec's JSON paths into configuration paths.</summary>
/// <remarks>
/// <para>
/// Configuration keeps every value as a string and every array as children named <c>0</c>, <c>1</c>, …, so the section is
/// read back as JSON by shape: a section whose children are exactly <c>0</c> to <c>n - 1</c> is an array, any other section
/// with children an object; a value is a number when it reads as a finite number in the invariant culture
/// (<c>0.1</c>, <c>1e-4</c>, <c>5000</c>), <c>true</c> or <c>false</c> in any case (the JSON provider writes <c>True</c>), JSON
/// <c>null</c> when empty or <c>null</c> (the JSON provider writes <c>null</c> as an empty string), and a string otherwise
/// (<c>"StepLR"</c>, <c>"2ep"</c>, <c>"1-sqrt"</c>). No spec string reads as a number, so nothing is lost.
/// </para>
/// <para>
/// A section with neither a value nor children is what the JSON provider leaves for <c>{}</c> and <c>[]</c> alike; it is read as
/// <c>{}</c>, which is what a spec means by an empty section (<c>"on_plateau": {}</c>, every default). An empty array cannot be
/// told from it, so a spec that needs one is written as JSON text instead.
/// </para>
/// </remarks>
internal static partial class ConfigurationSpec
{
    /// <summary>Writes a section as spec JSON.</summary>
    public static string ToJson(IConfiguration section)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, section.GetChildren().ToList(), (section as IConfigurationSection)?.Value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Returns the configuration path of a spec's JSON path: <c>$.schedule.milestones[1]</c> under <c>BatchLr:Plans:main</c> is <c>BatchLr:Plans:main:schedule:milestones:1</c>.</summary>
    public static string ToConfigurationPath(string section, string jsonPath)
    {
        if (!jsonPath.StartsWith('$'))
        {
            return jsonPath;
        }

        var path = new StringBuilder(section);
        foreach (Match segment in Segment().Matches(jsonPath[1..]))
        {
            path.Append(ConfigurationPath.KeyDelimiter).Append(segment.Groups["key"].Success ? segment.Groups["key"].Value : segment.Groups["index"].Value);
        }

        return path.ToString();
    }

    /// <summary>Rewrites every quoted JSON path of a message (<c>'$.schedule.T_max'</c>) as its configuration path.</summary>
    public static string RewritePaths(string section, string message, string path)
    {
        // A message that names its path only as a prefix ("$.schedule: ...") gets it quoted first.
        if (path.Length > 0 && message.StartsWith(path + ": ", StringComparison.Ordinal))
        {
            message = "'" + path + "' " + message[(path.Length + 2)..];
        }

        return QuotedPath().Replace(message, m => "'" + ToConfigurationPath(section, m.Groups["path"].Value) + "'");
    }

    private static void Write(Utf8JsonWriter writer, List<IConfigurationSection> children, string? value)
    {
        if (children.Count == 0)
        {
            WriteValue(writer, value);
            return;
        }

        if (ArrayOrder(children) is { } items)
        {
            writer.WriteStartArray();
            foreach (IConfigurationSection item in items)
            {
                Write(writer, item.GetChildren().ToList(), item.Value);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        foreach (IConfigurationSection child in children)
        {
            writer.WritePropertyName(child.Key);
            Write(writer, child.GetChildren().ToList(), child.Value);
        }

        writer.WriteEndObject();
    }

    /// <summary>Returns the children in index order when their keys are exactly 0 to n - 1, or <see langword="null"/> when the section is an object.</summary>
    private static IConfigurationSection[]? ArrayOrder(List<IConfigurationSection> children)
    {
        var items = new IConfigurationSection?[children.Count];
        foreach (IConfigurationSection child in children)
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                || index >= items.Length || items[index] is not null
                || index.ToString(CultureInfo.InvariantCulture) != child.Key)
            {
                return null;
            }

            items[index] = child;
        }

        return items!;
    }

    private static void WriteValue(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else if (value.Length == 0 || value.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            writer.WriteNullValue();
        }
        else if (bool.TryParse(value, out bool flag))
        {
            writer.WriteBooleanValue(flag);
        }
        else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    [GeneratedRegex(@"\.(?<key>[^.\[\]]+)|\[(?<index>[0-9]+)\]")]
    private static partial Regex Segment();

    [GeneratedRegex(@"'(?<path>\$(?:\.[^'.\[\]]+|\[[0-9]+\])*)'")]
    private static partial Regex QuotedPath();
}
