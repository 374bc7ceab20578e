using System.Globalization;

namespace BatchLr.Configuration;

/// <summary>A position or length written with a unit, kept as written until a build converts it to the clock it is read on.</summary>
/// <param name="Value">The number before the unit: a count of the unit, or the fraction of the duration for <c>dur</c>.</param>
/// <param name="Unit"><c>ba</c> (steps), <c>sp</c> (samples), <c>tok</c> (tokens), <c>ep</c> (epochs) or <c>dur</c> (a fraction of the top-level <c>duration</c>).</param>
internal readonly record struct SpecPosition(double Value, string Unit)
{
    /// <summary>The unit of a fraction of the training duration.</summary>
    public const string Duration = "dur";

    /// <summary>Returns the text the spec reader reads back to this position, such as <c>2ep</c> or <c>0.1dur</c>.</summary>
    // Stryker disable once String : since .NET Core 3.0 the empty format is "G", which for a double without a precision writes the shortest round-trip text, the same as "R"
    public override string ToString() => Value.ToString("R", CultureInfo.InvariantCulture) + Unit;
}
