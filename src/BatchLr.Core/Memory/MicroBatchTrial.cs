using System;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Memory;

/// <summary>Tells the selector what one trial did: it fit, with what it measured, or it ran out of memory.</summary>
/// <remarks>
/// <para>
/// The trial is a callback the adapter supplies to <see cref="MicroBatchSelector.Select"/>. It runs
/// <see cref="MicroBatchTrialArguments.Steps"/> training steps (forward, backward, optimizer step) at
/// <see cref="MicroBatchTrialArguments.MicroBatchSize"/> and returns <see cref="Fits(long?, double?)"/> or
/// <see cref="OutOfMemory"/>. Its contract:
/// </para>
/// <list type="bullet">
/// <item>An out-of-memory error of the device is caught and returned as <see cref="OutOfMemory"/>, after freeing what the
/// failed step allocated; any other exception propagates out of the selection unchanged.</item>
/// <item>Model weights, optimizer state, gradients and random-number state are restored after every trial, fit or not, so
/// the selection leaves training exactly where it was. Core never sees a tensor: restoring is the adapter's job.</item>
/// <item>Peak bytes count as <see cref="IDeviceMemory"/> counts them: the most bytes in use on the device during the
/// trial, <c>TotalBytes - FreeBytes</c>. A trial that cannot tell leaves them out, and the selector reads the peak from
/// <see cref="MicroBatchSelectionOptions.Memory"/> instead.</item>
/// <item>Seconds are the mean time of one step, measured after the device has finished its work (a synchronize before the
/// clock stops), leaving out warm-up steps where the trial runs more than one.</item>
/// </list>
/// </remarks>
public readonly struct MicroBatchTrial : IEquatable<MicroBatchTrial>
{
    private MicroBatchTrial(bool outOfMemory, long? peakBytes, double? seconds)
    {
        IsOutOfMemory = outOfMemory;
        PeakBytes = peakBytes;
        Seconds = seconds;
    }

    /// <summary>Gets the outcome of a trial whose steps ran out of device memory: its micro-batch is too large.</summary>
    public static MicroBatchTrial OutOfMemory { get; } = new(true, null, null);

    /// <summary>Gets a value indicating whether the trial ran out of device memory.</summary>
    public bool IsOutOfMemory { get; }

    /// <summary>Gets the most bytes in use on the device during the trial, or <see langword="null"/> when not measured.</summary>
    public long? PeakBytes { get; }

    /// <summary>Gets the mean seconds of one step, or <see langword="null"/> when not measured.</summary>
    public double? Seconds { get; }

    /// <summary>Determines whether two outcomes are equal.</summary>
    /// <param name="left">The first outcome.</param>
    /// <param name="right">The second outcome.</param>
    /// <returns><see langword="true"/> when every field agrees.</returns>
    public static bool operator ==(MicroBatchTrial left, MicroBatchTrial right) => left.Equals(right);

    /// <summary>Determines whether two outcomes differ.</summary>
    /// <param name="left">The first outcome.</param>
    /// <param name="right">The second outcome.</param>
    /// <returns><see langword="true"/> when any field differs.</returns>
    public static bool operator !=(MicroBatchTrial left, MicroBatchTrial right) => !left.Equals(right);

    /// <summary>Returns the outcome of a trial whose steps ran.</summary>
    /// <param name="peakBytes">The most bytes in use on the device during the trial; 0 or more, or <see langword="null"/> when the trial cannot tell.</param>
    /// <param name="seconds">The mean seconds of one step; a finite number greater than zero, or <see langword="null"/> when not timed.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static MicroBatchTrial Fits(long? peakBytes = null, double? seconds = null)
    {
        if (peakBytes is { } peak)
        {
            Guard.NotNegative(peak, nameof(peakBytes));
        }

        if (seconds is { } s)
        {
            Guard.Positive(s, nameof(seconds));
        }

        return new MicroBatchTrial(false, peakBytes, seconds);
    }

    /// <inheritdoc />
    public bool Equals(MicroBatchTrial other) => IsOutOfMemory == other.IsOutOfMemory && PeakBytes == other.PeakBytes && Seconds.Equals(other.Seconds);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MicroBatchTrial other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(IsOutOfMemory, PeakBytes, Seconds);

    /// <inheritdoc />
    public override string ToString() => IsOutOfMemory
        ? "out of memory"
        : string.Create(CultureInfo.InvariantCulture, $"fits (peak {(PeakBytes is { } p ? p.ToString(CultureInfo.InvariantCulture) + " bytes" : "unknown")}, {(Seconds is { } s ? Guard.Format(s) + " s/step" : "untimed")})");
}
