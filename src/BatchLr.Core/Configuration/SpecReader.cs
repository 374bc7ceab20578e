using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace BatchLr.Configuration;

/// <summary>Reads the schedule objects of a spec into canonical <see cref="SpecNode"/>s, naming the JSON path of every error.</summary>
internal static class SpecReader
{
    private const string TypeKey = "type";

    public static SpecNode ReadSchedule(JsonElement element, string path, int groups, bool topLevel)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw SpecErrors.WrongType(path, element, "a schedule object with a \"type\"");
        }

        Dictionary<string, JsonElement> properties = Properties(element, path);
        string typePath = path + "." + TypeKey;
        if (!properties.TryGetValue(TypeKey, out JsonElement typeElement))
        {
            throw SpecErrors.Missing(typePath, "every schedule object");
        }

        if (typeElement.ValueKind != JsonValueKind.String)
        {
            throw SpecErrors.WrongType(typePath, typeElement, "a string naming the schedule type");
        }

        string name = typeElement.GetString()!;
        if (name is "LambdaLR" or "MultiplicativeLR")
        {
            throw SpecErrors.Invalid(
                typePath,
                Quote(name),
                "a type that JSON can describe: " + name + " takes a Python function, so build it in code with Schedule.FromFunction");
        }

        if (!SpecCatalog.TryGetType(name, out SpecType? type))
        {
            throw SpecErrors.Invalid(typePath, Quote(name), "one of " + string.Join(", ", SpecCatalog.TypeNames));
        }

        if (type.Reactive && !topLevel)
        {
            throw SpecErrors.Invalid(typePath, Quote(name), "the top-level schedule only, since it reacts to reported metrics; it cannot be nested");
        }

        foreach (string key in properties.Keys)
        {
            if (key != TypeKey && type.Find(key) is null)
            {
                throw SpecErrors.Unknown(path + "." + key, name, type.Parameters.Select(p => p.Name));
            }
        }

        var values = new KeyValuePair<string, object?>[type.Parameters.Count];
        for (int i = 0; i < values.Length; i++)
        {
            SpecParameter parameter = type.Parameters[i];
            string fieldPath = path + "." + parameter.Name;
            object? value;
            if (properties.TryGetValue(parameter.Name, out JsonElement field))
            {
                value = ReadValue(field, fieldPath, parameter, groups);
            }
            else if (parameter.Required)
            {
                throw SpecErrors.Missing(fieldPath, name);
            }
            else
            {
                value = parameter.Default;
            }

            values[i] = new KeyValuePair<string, object?>(parameter.Name, value);
        }

        var node = new SpecNode(name, path, values);
        type.Check?.Invoke(node);
        return type.Normalize is null ? node : type.Normalize(node);
    }

    public static Dictionary<string, JsonElement> Properties(JsonElement element, string path)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!properties.TryAdd(property.Name, property.Value))
            {
                throw SpecErrors.Invalid(path + "." + property.Name, "given twice", "given once");
            }
        }

        return properties;
    }

    public static double ReadNumber(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw SpecErrors.WrongType(path, element, "a finite number");
        }

        return value;
    }

    public static double[] ReadNumbers(JsonElement element, string path, string rule)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw SpecErrors.WrongType(path, element, rule);
        }

        var values = new double[element.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            values[i] = ReadNumber(item, Index(path, i));
            i++;
        }

        return values;
    }

    public static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    public static string Quote(string text) => "\"" + text + "\"";

    private static object? ReadValue(JsonElement element, string path, SpecParameter parameter, int groups)
    {
        if (element.ValueKind == JsonValueKind.Null && parameter.Nullable)
        {
            return null;
        }

        switch (parameter.Kind)
        {
            case SpecParameterKind.Number:
                return ReadNumber(element, path);
            case SpecParameterKind.Integer:
                if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double whole)
                    || whole != Math.Floor(whole) || Math.Abs(whole) > int.MaxValue)
                {
                    throw SpecErrors.WrongType(path, element, "a whole number");
                }

                return whole;
            case SpecParameterKind.Boolean:
                return element.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw SpecErrors.WrongType(path, element, "true or false"),
                };
            case SpecParameterKind.Choice:
                string? choice = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
                if (choice is null || !parameter.Choices!.Contains(choice))
                {
                    string choices = string.Join(", ", parameter.Choices!.Select(Quote));
                    throw SpecErrors.WrongType(path, element, "one of " + choices + (parameter.Nullable ? " or null" : string.Empty));
                }

                return choice;
            case SpecParameterKind.Numbers:
                return ReadNumbers(element, path, "an array of numbers");
            case SpecParameterKind.PerGroup:
                if (element.ValueKind == JsonValueKind.Array)
                {
                    double[] values = ReadNumbers(element, path, "a number or an array of numbers");
                    if (values.Length != groups)
                    {
                        throw SpecErrors.Invalid(
                            path,
                            string.Create(CultureInfo.InvariantCulture, $"an array of {values.Length}"),
                            string.Create(CultureInfo.InvariantCulture, $"a number, or an array with one number per parameter group ({groups}, as many as lr has)"));
                    }

                    return values;
                }

                if (element.ValueKind != JsonValueKind.Number)
                {
                    throw SpecErrors.WrongType(path, element, "a number or an array of numbers, one per parameter group");
                }

                return ReadNumber(element, path);
            case SpecParameterKind.Schedule:
                return ReadSchedule(element, path, groups, topLevel: false);
            default:
                if (element.ValueKind != JsonValueKind.Array)
                {
                    throw SpecErrors.WrongType(path, element, "an array of schedule objects");
                }

                var children = new SpecNode[element.GetArrayLength()];
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    children[i] = ReadSchedule(item, Index(path, i), groups, topLevel: false);
                    i++;
                }

                return children;
        }
    }
}
