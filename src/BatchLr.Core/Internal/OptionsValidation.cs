using System;
using System.Collections.Generic;
using System.Globalization;

namespace BatchLr.Internal;

/// <summary>Collects every broken rule of an options object, then throws once with all of them.</summary>
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

    public void Positive(double value, string member) =>
        Require(value > 0 && !double.IsPositiveInfinity(value), member, value, "a finite number greater than zero");

    public void FiniteNotNegative(double value, string member) =>
        Require(value >= 0 && !double.IsPositiveInfinity(value), member, value, "a finite number zero or more");

    public void Defined<TEnum>(TEnum value, string member)
        where TEnum : struct, Enum =>
        Require(Enum.IsDefined(value), member, value, "one of " + string.Join(", ", Enum.GetNames<TEnum>()));

    public void ThrowIfInvalid()
    {
        if (_errors is not null) // created with the first error
        {
            throw new ArgumentException(string.Join(Environment.NewLine, _errors), optionsName);
        }
    }

    // Null only where a ToString override returns null; the message then shows nothing, as for string.Empty.
    private static string? Describe(object? value) => value switch
    {
        null => "null",
        double d => Guard.Format(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
