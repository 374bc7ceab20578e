using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace BatchLr.Internal;

/// <summary>Argument checks that name the parameter, the value and the rule.</summary>
internal static class Guard
{
    // Stryker disable once String : since .NET Core 3.0 "R", "" (read as "G") and null all give a double's shortest round-trip string, so "R" only states the intent
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static ArgumentOutOfRangeException OutOfRange(string name, IFormattable value, string rule) =>
        new(name, value, string.Create(CultureInfo.InvariantCulture, $"'{name}' is {FormatObject(value)}; it must be {rule}."));

    public static void Finite(double value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (!double.IsFinite(value))
        {
            throw OutOfRange(name, value, "a finite number");
        }
    }

    public static void FiniteNotNegative(double value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (!(value >= 0) || double.IsPositiveInfinity(value))
        {
            throw OutOfRange(name, value, "a finite number zero or more");
        }
    }

    public static void Positive(double value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (!(value > 0) || double.IsPositiveInfinity(value))
        {
            throw OutOfRange(name, value, "a finite number greater than zero");
        }
    }

    public static void Positive(long value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (value <= 0)
        {
            throw OutOfRange(name, value, "greater than zero");
        }
    }

    public static void NotNegative(long value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (value < 0)
        {
            throw OutOfRange(name, value, "zero or more");
        }
    }

    public static void InRange(double value, double min, double max, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (!(value >= min && value <= max))
        {
            throw OutOfRange(name, value, string.Create(CultureInfo.InvariantCulture, $"between {Format(min)} and {Format(max)} inclusive"));
        }
    }

    public static void Defined<TEnum>(TEnum value, [CallerArgumentExpression(nameof(value))] string name = "")
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw OutOfRange(name, value, "one of " + string.Join(", ", Enum.GetNames<TEnum>()));
        }
    }

    public static T NotNull<T>(T? value, [CallerArgumentExpression(nameof(value))] string name = "")
        where T : class => value ?? throw new ArgumentNullException(name);

    /// <summary>Checks that a list is non-empty (unless <paramref name="allowEmpty"/>), finite, zero or more and strictly ascending.</summary>
    public static double[] SortedFinite(IReadOnlyList<double>? values, bool allowEmpty, [CallerArgumentExpression(nameof(values))] string name = "")
    {
        NotNull(values, name);
        if (!allowEmpty && values!.Count == 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{name}' is empty; it must hold at least one value."), name);
        }

        var copy = new double[values!.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            double v = values[i];
            if (!double.IsFinite(v) || v < 0)
            {
                throw OutOfRange(string.Create(CultureInfo.InvariantCulture, $"{name}[{i}]"), v, "a finite number zero or more");
            }

            if (i > 0 && v <= copy[i - 1])
            {
                throw OutOfRange(
                    string.Create(CultureInfo.InvariantCulture, $"{name}[{i}]"),
                    v,
                    "greater than the value before it, " + Format(copy[i - 1]));
            }

            copy[i] = v;
        }

        return copy;
    }

    /// <summary>Copies a list that must hold at least one item and no <see langword="null"/>; <paramref name="emptyRule"/> completes "it must hold …".</summary>
    public static T[] NonEmptyCopy<T>(IReadOnlyList<T>? items, string name, string emptyRule)
        where T : class
    {
        NotNull(items, name);
        if (items!.Count == 0)
        {
            throw new ArgumentException("'" + name + "' is empty; it must hold " + emptyRule + ".", name);
        }

        var copy = new T[items.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = items[i] ?? throw new ArgumentNullException(name + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
        }

        return copy;
    }

    // Every value passed is a number or an enum; for a double, IFormattable.ToString(null, …) is the shortest round-trip
    // string, the same as Format's "R".
    private static string FormatObject(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
