using System;
using System.Collections.Generic;
using System.Globalization;

namespace BatchLr.TorchSharp;

/// <summary>Collects every broken rule of an options object, then throws once with all of them.</summary>
/// <remarks>
/// The adapter's own copy of Core's internal helper, with the same message shape
/// (<c>'options.Member' is value; it must be rule.</c>): the two packages version separately, so the adapter does not
/// reach into Core's internals.
/// </remarks>
internal sealed class OptionsValidation(string optionsName)
{
    private List<string>? _errors;

    public void Require(bool valid, string member, object? value, string rule)
    {
        if (!valid)
        {
            (_errors ??= []).Add(string.Create(
                CultureInfo.InvariantCulture,
                $"'{optionsName}.{member}' is {Describe(value)}; it must be {rule}."));
        }
    }

    public void ThrowIfInvalid()
    {
        if (_errors is { Count: > 0 })
        {
            throw new ArgumentException(string.Join(Environment.NewLine, _errors), optionsName);
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
