using System;
using System.Collections.Generic;
using System.Globalization;

namespace BatchLr.Configuration;

/// <summary>One schedule object of a spec, in canonical form: its type and every parameter, defaults filled in.</summary>
/// <remarks>
/// Values are <see cref="double"/>, <see cref="bool"/>, <see cref="string"/>, <see langword="null"/>,
/// <c>double[]</c>, <see cref="SpecNode"/> or <c>SpecNode[]</c>, in the order the type declares its parameters. As read,
/// a position parameter may hold a <see cref="SpecPosition"/>, or an <c>object[]</c> of <see cref="double"/> and
/// <see cref="SpecPosition"/> elements; <see cref="PositionResolver"/> turns those into numbers before a build.
/// </remarks>
internal sealed class SpecNode
{
    private readonly KeyValuePair<string, object?>[] _values;

    public SpecNode(string type, string path, IReadOnlyList<SpecParameter> parameters, KeyValuePair<string, object?>[] values)
    {
        Type = type;
        Path = path;
        Parameters = parameters;
        _values = values;
    }

    /// <summary>Gets the spec type name, such as <c>StepLR</c>.</summary>
    public string Type { get; }

    /// <summary>Gets the JSON path of this object, such as <c>$.schedule.schedulers[1]</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the declarations of the parameters, in the order of <see cref="Values"/>.</summary>
    public IReadOnlyList<SpecParameter> Parameters { get; }

    /// <summary>Gets the parameters in declaration order.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Values => _values;

    public object? Get(string name)
    {
        foreach (KeyValuePair<string, object?> pair in _values)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }

        // Stryker disable once all : only catalog code asks a node for a value, and only by the names of its own type's parameters; no spec reaches this guard
        throw new InvalidOperationException("Spec type " + Type + " has no parameter " + name + ".");
    }

    public double Number(string name) => (double)Get(name)!;

    public double? NullableNumber(string name) => (double?)Get(name);

    public bool Flag(string name) => (bool)Get(name)!;

    public string? Text(string name) => (string?)Get(name);

    public double[] Numbers(string name) => (double[])Get(name)!;

    public double PerGroup(string name, int group) => Get(name) is double[] values ? values[group] : (double)Get(name)!;

    public SpecNode Child(string name) => (SpecNode)Get(name)!;

    public SpecNode[] Children(string name) => (SpecNode[])Get(name)!;

    /// <summary>Returns the JSON path of a parameter, with the group index where the value is a per-group array.</summary>
    public string FieldPath(string name, int group) => Get(name) is double[] && IsPerGroupValue(name)
        ? string.Create(CultureInfo.InvariantCulture, $"{Path}.{name}[{group}]")
        : Path + "." + name;

    /// <summary>Returns a copy with one value replaced.</summary>
    public SpecNode With(string name, object? value)
    {
        var copy = (KeyValuePair<string, object?>[])_values.Clone();
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i].Key == name)
            {
                copy[i] = new KeyValuePair<string, object?>(name, value);
            }
        }

        return new SpecNode(Type, Path, Parameters, copy);
    }

    /// <summary>Returns a copy with every value replaced, in the same order.</summary>
    public SpecNode WithValues(KeyValuePair<string, object?>[] values) => new(Type, Path, Parameters, values);

    private bool IsPerGroupValue(string name) =>
        SpecCatalog.TryGetType(Type, out SpecType? type) && type.Find(name)?.Kind == SpecParameterKind.PerGroup;
}
