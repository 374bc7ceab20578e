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

    /// <summary>The rule a position parameter states when its value is neither a number nor a string with a unit.</summary>
    private const string PositionRule =
        "a finite number on the clock it is read on, a string with a unit (\"2ep\", \"1000ba\", \"5e4sp\", \"1e6tok\") or a fraction of the duration (\"0.1dur\")";

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
            throw SpecErrors.UnknownName(typePath, typeElement, [.. SpecCatalog.TypeNames]);
        }

        if (type.Reactive && !topLevel)
        {
            throw SpecErrors.Invalid(typePath, Quote(name), "the top-level schedule only, since it reacts to reported metrics; it cannot be nested");
        }

        SpecNode node = ReadParameters(properties, path, name, name, type.Parameters, groups);
        type.Check?.Invoke(node);
        return type.Normalize is null ? node : type.Normalize(node);
    }

    /// <summary>Reads an object of a small family of types that are not schedules, such as the batch policy or the scaling rule.</summary>
    /// <param name="element">The object.</param>
    /// <param name="path">Its JSON path.</param>
    /// <param name="family">What the family is called in messages, such as <c>batch</c>.</param>
    /// <param name="types">Each type name of the family, with its parameters in canonical order.</param>
    /// <returns>The node, every parameter present, defaults filled in.</returns>
    public static SpecNode ReadVariant(JsonElement element, string path, string family, IReadOnlyDictionary<string, SpecParameter[]> types)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw SpecErrors.WrongType(path, element, "a " + family + " object with a \"type\"");
        }

        return ReadVariant(Properties(element, path), path, family, types);
    }

    /// <summary>Reads the properties of an object of a small family of types, as <see cref="ReadVariant(JsonElement, string, string, IReadOnlyDictionary{string, SpecParameter[]})"/> does.</summary>
    public static SpecNode ReadVariant(Dictionary<string, JsonElement> properties, string path, string family, IReadOnlyDictionary<string, SpecParameter[]> types)
    {
        string typePath = path + "." + TypeKey;
        if (!properties.TryGetValue(TypeKey, out JsonElement typeElement))
        {
            throw SpecErrors.Missing(typePath, "every " + family + " object");
        }

        string? name = typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
        if (name is null || !types.TryGetValue(name, out SpecParameter[]? parameters))
        {
            throw SpecErrors.UnknownName(typePath, typeElement, [.. types.Keys]);
        }

        return ReadParameters(properties, path, name, family + " " + name, parameters, groups: 1);
    }

    /// <summary>Reads an object without a type, such as an <c>on_plateau</c> section: every parameter present, defaults filled in.</summary>
    /// <param name="element">The object.</param>
    /// <param name="path">Its JSON path.</param>
    /// <param name="name">The section's name, the node's type.</param>
    /// <param name="owner">What the section is called in messages.</param>
    /// <param name="parameters">Its parameters in canonical order.</param>
    /// <param name="groups">The number of parameter groups, for per-group values.</param>
    public static SpecNode ReadSection(JsonElement element, string path, string name, string owner, IReadOnlyList<SpecParameter> parameters, int groups)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw SpecErrors.WrongType(path, element, "an object with the parameters of " + owner);
        }

        Dictionary<string, JsonElement> properties = Properties(element, path);
        if (properties.ContainsKey(TypeKey))
        {
            throw SpecErrors.Unknown(path, TypeKey, owner, parameters.Select(p => p.Name));
        }

        return ReadParameters(properties, path, name, owner, parameters, groups);
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

        return value + 0.0; // -0 reads as 0, so the canonical form has one zero
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

    private static SpecNode ReadParameters(
        Dictionary<string, JsonElement> properties,
        string path,
        string name,
        string owner,
        IReadOnlyList<SpecParameter> parameters,
        int groups)
    {
        foreach (string key in properties.Keys)
        {
            if (key != TypeKey && !parameters.Any(p => p.Name == key))
            {
                throw SpecErrors.Unknown(path, key, owner, parameters.Select(p => p.Name));
            }
        }

        var values = new KeyValuePair<string, object?>[parameters.Count];
        for (int i = 0; i < values.Length; i++)
        {
            SpecParameter parameter = parameters[i];
            string fieldPath = path + "." + parameter.Name;
            object? value;
            if (properties.TryGetValue(parameter.Name, out JsonElement field))
            {
                value = ReadValue(field, fieldPath, parameter, groups);
            }
            else if (parameter.Required)
            {
                throw SpecErrors.Missing(fieldPath, owner);
            }
            else
            {
                value = parameter.Default;
            }

            values[i] = new KeyValuePair<string, object?>(parameter.Name, value);
        }

        return new SpecNode(name, path, parameters, values);
    }

    /// <summary>Reads a string with a unit, such as <c>"2ep"</c>, or a fraction of the duration, such as <c>"0.1dur"</c>, leaving its conversion to the build.</summary>
    private static SpecPosition ReadPosition(JsonElement element, string path)
    {
        string text = element.GetString()!;
        string trimmed = text.Trim();
        if (trimmed.EndsWith(SpecPosition.Duration, StringComparison.Ordinal))
        {
            return double.TryParse(trimmed[..^SpecPosition.Duration.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction)
                && fraction > 0 && double.IsFinite(fraction)
                ? new SpecPosition(fraction + 0.0, SpecPosition.Duration)
                : throw SpecErrors.Invalid(path, Quote(text), "a fraction greater than zero followed by dur, such as \"0.1dur\"");
        }

        return TrainingDuration.TryParse(trimmed, out TrainingDuration duration)
            ? new SpecPosition(duration.Value, TrainingDuration.Unit(duration.Clock))
            : throw SpecErrors.WrongType(path, element, PositionRule);
    }

    /// <summary>Reads an array of positions: <c>double[]</c> when every element is a number, otherwise an <c>object[]</c> of numbers and <see cref="SpecPosition"/>s.</summary>
    private static object ReadPositions(JsonElement element, string path)
    {
        var values = new object[element.GetArrayLength()];
        bool units = false;
        int i = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            string itemPath = Index(path, i);
            if (item.ValueKind == JsonValueKind.String)
            {
                values[i] = ReadPosition(item, itemPath);
                units = true;
            }
            else
            {
                values[i] = item.ValueKind == JsonValueKind.Number ? ReadNumber(item, itemPath) : throw SpecErrors.WrongType(itemPath, item, PositionRule);
            }

            i++;
        }

        return units ? values : Array.ConvertAll(values, v => (double)v);
    }

    private static object? ReadValue(JsonElement element, string path, SpecParameter parameter, int groups)
    {
        if (element.ValueKind == JsonValueKind.Null && parameter.Nullable)
        {
            return null;
        }

        if (parameter.IsPosition)
        {
            if (element.ValueKind == JsonValueKind.String && parameter.Kind != SpecParameterKind.Numbers)
            {
                return ReadPosition(element, path);
            }

            if (parameter.Kind == SpecParameterKind.Numbers && element.ValueKind == JsonValueKind.Array)
            {
                return ReadPositions(element, path);
            }

            if ((parameter.Kind is SpecParameterKind.Number or SpecParameterKind.Integer) && element.ValueKind != JsonValueKind.Number)
            {
                throw SpecErrors.WrongType(path, element, PositionRule);
            }
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

                return whole + 0.0;
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
                    // Stryker disable once String : ReadNumbers shows its rule only for a value that is not an array, and this call is inside the array branch
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
