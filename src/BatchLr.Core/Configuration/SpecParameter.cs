using System.Collections.Generic;

namespace BatchLr.Configuration;

/// <summary>Describes one parameter of a spec type: its JSON name, shape and default.</summary>
/// <param name="Name">The JSON name, as PyTorch, Hugging Face or timm spell it.</param>
/// <param name="Kind">The JSON shape.</param>
/// <param name="Required">Whether the parameter must be given.</param>
/// <param name="Nullable">Whether JSON <c>null</c> is accepted; a nullable optional parameter defaults to <c>null</c>.</param>
/// <param name="Default">The value used when the parameter is left out: a <see cref="double"/>, <see cref="bool"/>, <see cref="string"/> or <see langword="null"/>.</param>
/// <param name="Choices">The accepted strings of a <see cref="SpecParameterKind.Choice"/>.</param>
/// <remarks>
/// A position parameter (<see cref="IsPosition"/>), a point or a length on a clock, also takes a string with a unit
/// (<c>"2ep"</c>, <c>"1000ba"</c>) or a fraction of the duration (<c>"0.1dur"</c>): one number of a
/// <see cref="SpecParameterKind.Number"/> or <see cref="SpecParameterKind.Integer"/>, each element of
/// <see cref="SpecParameterKind.Numbers"/>.
/// </remarks>
internal sealed record SpecParameter(
    string Name,
    SpecParameterKind Kind,
    bool Required,
    bool Nullable,
    object? Default,
    IReadOnlyList<string>? Choices = null)
{
    /// <summary>Gets a value indicating whether the parameter is a position or a length on a clock, which takes units.</summary>
    public bool IsPosition { get; private init; }

    /// <summary>Gets the clock a position is always read on, such as samples for <c>ramp_samples</c>; <see langword="null"/> for the clock of its object or of the spec.</summary>
    public ProgressClock? PositionClock { get; private init; }

    /// <summary>Gets the numbers the parameter accepts whatever the other parameters say (each element of an array); <see langword="null"/> when the JSON Schema states no range.</summary>
    public SpecRange? Range { get; private init; }

    /// <summary>Returns this parameter with the range its builder checks, which the JSON Schema states.</summary>
    public SpecParameter Within(SpecRange range) => this with { Range = range };

    /// <summary>Returns this parameter marked as a position, read on the clock of its object (its <c>"clock"</c> parameter) or of the spec.</summary>
    public SpecParameter AsPosition() => this with { IsPosition = true };

    /// <summary>Returns this parameter marked as a position always read on <paramref name="clock"/>.</summary>
    public SpecParameter AsPosition(ProgressClock clock) => this with { IsPosition = true, PositionClock = clock };

    public static SpecParameter Number(string name) => new(name, SpecParameterKind.Number, true, false, null);

    public static SpecParameter Number(string name, double defaultValue) => new(name, SpecParameterKind.Number, false, false, defaultValue);

    public static SpecParameter OptionalNumber(string name) => new(name, SpecParameterKind.Number, false, true, null);

    public static SpecParameter Integer(string name) => new(name, SpecParameterKind.Integer, true, false, null);

    public static SpecParameter Integer(string name, double defaultValue) => new(name, SpecParameterKind.Integer, false, false, defaultValue);

    public static SpecParameter OptionalInteger(string name) => new(name, SpecParameterKind.Integer, false, true, null);

    public static SpecParameter Flag(string name, bool defaultValue) => new(name, SpecParameterKind.Boolean, false, false, defaultValue);

    public static SpecParameter Choice(string name, string defaultValue, params string[] choices) => new(name, SpecParameterKind.Choice, false, false, defaultValue, choices);

    public static SpecParameter OptionalChoice(string name, params string[] choices) => new(name, SpecParameterKind.Choice, false, true, null, choices);

    public static SpecParameter Numbers(string name) => new(name, SpecParameterKind.Numbers, true, false, null);

    public static SpecParameter OptionalNumbers(string name) => new(name, SpecParameterKind.Numbers, false, true, null);

    public static SpecParameter PerGroup(string name) => new(name, SpecParameterKind.PerGroup, true, false, null);

    public static SpecParameter PerGroup(string name, double defaultValue) => new(name, SpecParameterKind.PerGroup, false, false, defaultValue);

    public static SpecParameter Schedule(string name) => new(name, SpecParameterKind.Schedule, true, false, null);

    public static SpecParameter Schedules(string name) => new(name, SpecParameterKind.Schedules, true, false, null);
}
