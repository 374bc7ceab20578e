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

    public void Finite(double value, string member) =>
        Require(double.IsFinite(value), member, value, "a finite number");

    public void Defined<TEnum>(TEnum value, string member)
        where TEnum : struct, Enum =>
        Require(Enum.IsDefined(value), member, value, "one of " + string.Join(", ", Enum.GetNames<TEnum>()));

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
        double d => Guard.Format(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
