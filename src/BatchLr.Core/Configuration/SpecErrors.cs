using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using BatchLr.Internal;

namespace BatchLr.Configuration;

/// <summary>Builds the <see cref="ScheduleSpecException"/>s of the spec reader and builders, each naming a JSON path.</summary>
internal static class SpecErrors
{
    private const int MaxShown = 40;

    public static ScheduleSpecException Invalid(string path, string value, string rule) =>
        new(string.Create(CultureInfo.InvariantCulture, $"'{path}' is {value}; it must be {rule}."), path);

    /// <summary>Refuses a name that is not one of <paramref name="known"/>, such as a type name, and hints at the nearest known one.</summary>
    /// <param name="path">The JSON path of the value.</param>
    /// <param name="element">The value.</param>
    /// <param name="known">The names that exist.</param>
    public static ScheduleSpecException UnknownName(string path, JsonElement element, IReadOnlyCollection<string> known)
    {
        string? nearest = element.ValueKind == JsonValueKind.String ? NearestName.Find(element.GetString()!, known) : null;
        return new(
            string.Create(CultureInfo.InvariantCulture, $"'{path}' is {Show(element)}; it must be one of {string.Join(", ", known)}.{Hint(nearest, quote: true)}"),
            path);
    }

    public static ScheduleSpecException Invalid(string path, double value, string rule) => Invalid(path, Guard.Format(value), rule);

    public static ScheduleSpecException WrongType(string path, JsonElement element, string rule) => Invalid(path, Show(element), rule);

    /// <summary>Refuses a value with a sentence of its own, such as a conversion that lacks what it needs.</summary>
    public static ScheduleSpecException Refused(string path, string value, string detail) =>
        new(string.Create(CultureInfo.InvariantCulture, $"'{path}' is {value}; {detail}."), path);

    public static ScheduleSpecException Missing(string path, string owner) =>
        new(string.Create(CultureInfo.InvariantCulture, $"'{path}' is missing; {owner} requires it."), path);

    /// <summary>Refuses a key that is not a parameter of its object, and hints at the nearest parameter.</summary>
    /// <param name="parent">The JSON path of the object.</param>
    /// <param name="key">The key.</param>
    /// <param name="owner">What the object is called in messages.</param>
    /// <param name="known">The parameters of the object.</param>
    public static ScheduleSpecException Unknown(string parent, string key, string owner, IEnumerable<string> known)
    {
        string path = parent + "." + key;
        string[] parameters = [.. known];
        string names = string.Join(", ", parameters);
        string hint = Hint(NearestName.Find(key, parameters), quote: false);
        return new(string.Create(CultureInfo.InvariantCulture, $"'{path}' is not a parameter of {owner}; {(names.Length == 0 ? "it takes none" : "it takes " + names)}.{hint}"), path);
    }

    /// <summary>Runs a factory and re-throws its <see cref="ArgumentException"/> with the JSON path of the field it names.</summary>
    /// <param name="node">The schedule object being built.</param>
    /// <param name="context">The group being built.</param>
    /// <param name="factory">The factory call.</param>
    /// <param name="map">Factory parameter or option names, each with the JSON field it comes from: a field of <paramref name="node"/>, <c>@lr</c> for the group's <c>lr</c>, or a whole path starting with <c>$</c>.</param>
    public static T Call<T>(SpecNode node, BuildContext context, Func<T> factory, params (string Argument, string Field)[] map)
    {
        try
        {
            return factory();
        }
        catch (ScheduleSpecException)
        {
            throw;
        }
        catch (ArgumentException e)
        {
            throw Translate(e, node, context, map);
        }
    }

    private static ScheduleSpecException Translate(ArgumentException e, SpecNode node, BuildContext context, (string Argument, string Field)[] map)
    {
        string text = e.Message;
        int suffix = text.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (suffix >= 0)
        {
            text = text[..suffix];
        }

        string[] lines = text.Split('\n');
        string? firstPath = null;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length > 1 && line[0] == '\'')
            {
                int close = line.IndexOf('\'', 1);
                // Stryker disable once Equality : close == 1 gives the empty key, which no map argument (a C# parameter or member name) equals, so Resolve returns null and the line is kept as with close > 1
                if (close > 1)
                {
                    string key = line[1..close];
                    string? path = Resolve(key, node, context, map);
                    if (path is not null)
                    {
                        line = "'" + path + "'" + RenameMembers(line[(close + 1)..], map);
                        firstPath ??= path;
                    }
                }
            }

            lines[i] = line;
        }

        string message = string.Join(Environment.NewLine, lines);
        if (firstPath is null)
        {
            firstPath = (e.ParamName is null ? null : Resolve(e.ParamName, node, context, map)) ?? node.Path;
            message = firstPath + ": " + message;
        }

        return new ScheduleSpecException(message, firstPath, e);
    }

    /// <summary>Replaces option member and camelCase parameter names in a rule (such as "no less than BaseLearningRate") with their JSON names.</summary>
    private static string RenameMembers(string rule, (string Argument, string Field)[] map)
    {
        foreach ((string argument, string field) in map)
        {
            if (!field.StartsWith('$') && argument.Any(char.IsUpper))
            {
                rule = rule.Replace(argument, field == "@lr" ? "lr" : field, StringComparison.Ordinal);
            }
        }

        return rule;
    }

    private static string? Resolve(string key, SpecNode node, BuildContext context, (string Argument, string Field)[] map)
    {
        const string OptionsPrefix = "options.";
        if (key.StartsWith(OptionsPrefix, StringComparison.Ordinal))
        {
            key = key[OptionsPrefix.Length..];
        }

        int split = key.IndexOfAny(['[', '.']);
        // Stryker disable once Equality : split == 0 means the key starts with [ or ., and neither the empty head nor the whole key equals a map argument (a C# identifier), so Resolve returns null either way
        string head = split < 0 ? key : key[..split];
        // Stryker disable once Equality : the tail is used only when the head matched a map argument, which split == 0 rules out (see above)
        string tail = split < 0 ? string.Empty : key[split..];
        if (tail.StartsWith('.'))
        {
            tail = string.Empty;
        }

        foreach ((string argument, string field) in map)
        {
            if (argument == head)
            {
                return field == "@lr" ? context.RatePath
                    : field.StartsWith('$') ? field
                    : node.FieldPath(field, context.Group) + tail;
            }
        }

        return null;
    }

    private static string Hint(string? nearest, bool quote) =>
        nearest is null ? string.Empty : " Did you mean " + (quote ? "\"" + nearest + "\"" : nearest) + "?";

    private static string Show(JsonElement element)
    {
        string raw = element.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => element.GetRawText(),
        };
        return raw.Length > MaxShown ? raw[..MaxShown] + "…" : raw;
    }
}
