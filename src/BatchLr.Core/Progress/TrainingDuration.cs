using System;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr;

/// <summary>Represents a length of training, or an interval within it, measured on one <see cref="ProgressClock"/>.</summary>
/// <remarks>
/// Written as a number and a unit, as Composer writes time: <c>1000ba</c> (optimizer steps, "batches"), <c>50000sp</c>
/// (samples), <c>1e6tok</c> (tokens) and <c>2ep</c> or <c>0.5ep</c> (epochs, fractional). Steps, samples and tokens are
/// whole numbers; every value is finite and greater than zero.
/// </remarks>
public readonly struct TrainingDuration : IEquatable<TrainingDuration>
{
    private const double MaxCount = 9_007_199_254_740_992; // 2^53: every whole count up to it is exact in a double

    private TrainingDuration(double value, ProgressClock clock)
    {
        Value = value;
        Clock = clock;
    }

    /// <summary>Gets the length, on <see cref="Clock"/>.</summary>
    public double Value { get; }

    /// <summary>Gets the clock the length is measured on.</summary>
    public ProgressClock Clock { get; }

    /// <summary>Creates a length in optimizer steps.</summary>
    /// <param name="steps">The steps; from 1 to 2^53.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is less than 1 or greater than 2^53.</exception>
    public static TrainingDuration Steps(long steps) => CreateCount(steps, ProgressClock.Steps, nameof(steps));

    /// <summary>Creates a length in samples.</summary>
    /// <param name="samples">The samples; from 1 to 2^53.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> is less than 1 or greater than 2^53.</exception>
    public static TrainingDuration Samples(long samples) => CreateCount(samples, ProgressClock.Samples, nameof(samples));

    /// <summary>Creates a length in tokens.</summary>
    /// <param name="tokens">The tokens; from 1 to 2^53.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokens"/> is less than 1 or greater than 2^53.</exception>
    public static TrainingDuration Tokens(long tokens) => CreateCount(tokens, ProgressClock.Tokens, nameof(tokens));

    /// <summary>Creates a length in epochs, passes over the dataset.</summary>
    /// <param name="epochs">The epochs; finite and greater than zero, fractional allowed.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is not finite and greater than zero.</exception>
    public static TrainingDuration Epochs(double epochs) => Create(epochs, ProgressClock.Epochs, nameof(epochs));

    /// <summary>Creates a length on a clock.</summary>
    /// <param name="value">The length; finite and greater than zero, and a whole number of at most 2^53 unless <paramref name="clock"/> is <see cref="ProgressClock.Epochs"/>.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static TrainingDuration On(double value, ProgressClock clock)
    {
        Guard.Defined(clock);
        return Create(value, clock, nameof(value));
    }

    /// <summary>Reads a duration written as a number and a unit: <c>ba</c> (steps), <c>sp</c> (samples), <c>tok</c> (tokens) or <c>ep</c> (epochs).</summary>
    /// <param name="text">The text, such as <c>2ep</c>, <c>1000ba</c>, <c>5e4sp</c> or <c>1e6tok</c>.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not a number followed by a known unit, or the number breaks the unit's rule.</exception>
    public static TrainingDuration Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out TrainingDuration duration, out string? error) ? duration : throw new FormatException(error);
    }

    /// <summary>Tries to read a duration written as a number and a unit.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration, when the text is one.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid duration.</returns>
    public static bool TryParse(string? text, out TrainingDuration duration) => TryParse(text, out duration, out _);

    /// <summary>Returns the text <see cref="Parse(string)"/> reads back to this duration, such as <c>2ep</c>.</summary>
    /// <returns>The number, in the shortest form that round-trips, and the unit.</returns>
    public override string ToString() => Value.ToString("R", CultureInfo.InvariantCulture) + Unit(Clock);

    /// <inheritdoc />
    public bool Equals(TrainingDuration other) => Value.Equals(other.Value) && Clock == other.Clock;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TrainingDuration other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value, Clock);

    /// <summary>Determines whether two durations are equal.</summary>
    /// <param name="left">The first duration.</param>
    /// <param name="right">The second duration.</param>
    /// <returns><see langword="true"/> when the value and the clock agree.</returns>
    public static bool operator ==(TrainingDuration left, TrainingDuration right) => left.Equals(right);

    /// <summary>Determines whether two durations differ.</summary>
    /// <param name="left">The first duration.</param>
    /// <param name="right">The second duration.</param>
    /// <returns><see langword="true"/> when the value or the clock differs.</returns>
    public static bool operator !=(TrainingDuration left, TrainingDuration right) => !left.Equals(right);

    /// <summary>The unit suffix of a clock.</summary>
    internal static string Unit(ProgressClock clock) => clock switch
    {
        ProgressClock.Steps => "ba",
        ProgressClock.Samples => "sp",
        ProgressClock.Tokens => "tok",
        _ => "ep",
    };

    /// <summary>The rule a value on <paramref name="clock"/> obeys, or <see langword="null"/> when <paramref name="value"/> obeys it.</summary>
    internal static string? Broken(double value, ProgressClock clock)
    {
        if (clock == ProgressClock.Epochs)
        {
            return value > 0 && double.IsFinite(value) ? null : "a finite number greater than zero";
        }

        return value >= 1 && value <= MaxCount && value == Math.Floor(value) ? null : "a whole number from 1 to 2^53";
    }

    /// <summary>Checks a count before it becomes a double, where a count above 2^53 would round to a neighbour and pass.</summary>
    private static TrainingDuration CreateCount(long count, ProgressClock clock, string name) =>
        count is >= 1 and <= (long)MaxCount
            ? new TrainingDuration(count, clock)
            : throw Guard.OutOfRange(name, count, "a whole number from 1 to 2^53");

    private static TrainingDuration Create(double value, ProgressClock clock, string name)
    {
        if (Broken(value, clock) is { } rule)
        {
            throw Guard.OutOfRange(name, value, rule);
        }

        return new TrainingDuration(value + 0.0, clock);
    }

    private static bool TryParse(string? text, out TrainingDuration duration, out string? error)
    {
        duration = default;
        const string Units = "a number followed by a unit: ba (steps), sp (samples), tok (tokens) or ep (epochs), such as 2ep or 1000ba";
        string trimmed = (text ?? string.Empty).Trim();
        ProgressClock? clock = null;
        string number = trimmed;
        foreach (ProgressClock candidate in (ProgressClock[])[ProgressClock.Tokens, ProgressClock.Steps, ProgressClock.Samples, ProgressClock.Epochs])
        {
            string unit = Unit(candidate);
            if (trimmed.EndsWith(unit, StringComparison.Ordinal))
            {
                clock = candidate;
                number = trimmed[..^unit.Length];
                break;
            }
        }

        if (clock is null || number.Length == 0
            || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            error = "'" + text + "' is not a duration; it must be " + Units + ".";
            return false;
        }

        if (Broken(value, clock.Value) is { } rule)
        {
            error = "'" + text + "' is not a duration; its number must be " + rule + ".";
            return false;
        }

        duration = new TrainingDuration(value + 0.0, clock.Value);
        error = null;
        return true;
    }
}
