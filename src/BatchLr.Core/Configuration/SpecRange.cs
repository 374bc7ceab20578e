namespace BatchLr.Configuration;

/// <summary>The numbers a spec parameter accepts whatever the other parameters say, as the builders check them; the JSON Schema states it.</summary>
/// <param name="Minimum">The lower bound, or <see langword="null"/> for none.</param>
/// <param name="MinimumExclusive">Whether <paramref name="Minimum"/> itself is refused.</param>
/// <param name="Maximum">The upper bound, or <see langword="null"/> for none.</param>
/// <param name="MaximumExclusive">Whether <paramref name="Maximum"/> itself is refused.</param>
/// <remarks>
/// A range states only what holds for every spec: a rule that joins parameters (<c>max_lr</c> no less than <c>base_lr</c>)
/// stays with the builder. A test puts a value just outside each range into a valid spec and expects the spec to be refused,
/// so a range never refuses what the builders accept.
/// </remarks>
internal readonly record struct SpecRange(double? Minimum, bool MinimumExclusive, double? Maximum, bool MaximumExclusive)
{
    /// <summary>Zero or more.</summary>
    public static SpecRange NotNegative { get; } = AtLeast(0);

    /// <summary>Greater than zero.</summary>
    public static SpecRange Positive { get; } = Above(0);

    /// <summary>From 0 to 1, both included.</summary>
    public static SpecRange Fraction { get; } = new(0, false, 1, false);

    public static SpecRange AtLeast(double minimum) => new(minimum, false, null, false);

    public static SpecRange Above(double minimum) => new(minimum, true, null, false);

    /// <summary>Returns whether <paramref name="value"/> is within the range.</summary>
    public bool Contains(double value) =>
        (Minimum is not { } low || (MinimumExclusive ? value > low : value >= low))
        && (Maximum is not { } high || (MaximumExclusive ? value < high : value <= high));
}
