using System;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr;

/// <summary>Represents how far training has advanced, measured on every <see cref="ProgressClock"/> at once.</summary>
/// <remarks>
/// When the batch size changes during training, steps and samples stop being proportional, so a
/// schedule states the clock it runs on and reads its position with <see cref="On(ProgressClock)"/>.
/// </remarks>
public readonly struct TrainingProgress : IEquatable<TrainingProgress>
{
    /// <summary>Initializes a new instance of the <see cref="TrainingProgress"/> struct.</summary>
    /// <param name="step">Optimizer steps taken; zero or more.</param>
    /// <param name="samples">Samples consumed; zero or more.</param>
    /// <param name="tokens">Tokens consumed; zero or more.</param>
    /// <param name="epoch">Fractional epochs completed; finite and zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or <paramref name="epoch"/> is negative or not finite.</exception>
    public TrainingProgress(long step, long samples = 0, long tokens = 0, double epoch = 0)
    {
        Guard.NotNegative(step);
        Guard.NotNegative(samples);
        Guard.NotNegative(tokens);
        Guard.FiniteNotNegative(epoch);
        Step = step;
        Samples = samples;
        Tokens = tokens;
        Epoch = epoch;
    }

    /// <summary>Gets the number of optimizer steps taken.</summary>
    public long Step { get; }

    /// <summary>Gets the number of training samples consumed.</summary>
    public long Samples { get; }

    /// <summary>Gets the number of tokens consumed.</summary>
    public long Tokens { get; }

    /// <summary>Gets the number of epochs completed, fractional within the current epoch.</summary>
    public double Epoch { get; }

    /// <summary>Returns the progress of a run that has only counted steps.</summary>
    /// <param name="step">Optimizer steps taken; zero or more.</param>
    /// <returns>The progress at <paramref name="step"/>, with the other clocks at zero.</returns>
    public static TrainingProgress AtStep(long step) => new(step);

    /// <summary>Returns the position of this progress on a clock.</summary>
    /// <param name="clock">The clock to read.</param>
    /// <returns>The step, sample or token count, or the fractional epoch.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clock"/> is not a defined value.</exception>
    public double On(ProgressClock clock) => clock switch
    {
        ProgressClock.Steps => Step,
        ProgressClock.Samples => Samples,
        ProgressClock.Tokens => Tokens,
        ProgressClock.Epochs => Epoch,
        _ => throw new ArgumentOutOfRangeException(nameof(clock), clock, "The clock must be Steps, Samples, Tokens or Epochs."),
    };

    /// <inheritdoc />
    public bool Equals(TrainingProgress other) =>
        Step == other.Step && Samples == other.Samples && Tokens == other.Tokens && Epoch.Equals(other.Epoch);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TrainingProgress other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Step, Samples, Tokens, Epoch);

    /// <inheritdoc />
    public override string ToString() => string.Format(
        CultureInfo.InvariantCulture, "step {0}, samples {1}, tokens {2}, epoch {3}", Step, Samples, Tokens, Epoch);

    /// <summary>Determines whether two progress values are equal.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when every clock agrees.</returns>
    public static bool operator ==(TrainingProgress left, TrainingProgress right) => left.Equals(right);

    /// <summary>Determines whether two progress values differ.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when any clock differs.</returns>
    public static bool operator !=(TrainingProgress left, TrainingProgress right) => !left.Equals(right);
}
