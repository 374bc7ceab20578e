using System.Globalization;

namespace BatchLr.Memory;

/// <summary>Records one trial of a selection: the micro-batch tried, what it measured, and whether it fit under the memory limit.</summary>
public readonly struct MicroBatchTrialRecord
{
    internal MicroBatchTrialRecord(int microBatchSize, MicroBatchTrial outcome, bool fits)
    {
        MicroBatchSize = microBatchSize;
        Outcome = outcome;
        Fits = fits;
    }

    /// <summary>Gets the micro-batch tried.</summary>
    public int MicroBatchSize { get; }

    /// <summary>Gets what the trial reported, with the peak read from <see cref="MicroBatchSelectionOptions.Memory"/> when the trial gave none.</summary>
    public MicroBatchTrial Outcome { get; }

    /// <summary>Gets a value indicating whether the micro-batch fits: it did not run out of memory, and its peak, where known, stayed under <see cref="MicroBatchSelection.MemoryLimitBytes"/>.</summary>
    public bool Fits { get; }

    /// <summary>Gets the measured throughput, <c>MicroBatchSize / Seconds</c>, or <see langword="null"/> when the trial was not timed or did not run.</summary>
    public double? SamplesPerSecond => Outcome is { IsOutOfMemory: false, Seconds: { } seconds } ? MicroBatchSize / seconds : null;

    /// <inheritdoc />
    public override string ToString() =>
        MicroBatchSize.ToString(CultureInfo.InvariantCulture) + ": " + Outcome + (Fits || Outcome.IsOutOfMemory ? string.Empty : ", over the limit");
}
