using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Memory;

/// <summary>
/// The trials of one selection: runs each size at most once, reads the peak from the probe when the trial gives none,
/// decides whether the size fits, and keeps the bracket every strategy works from: the largest size that fits below the
/// smallest that does not.
/// </summary>
internal sealed class SelectionTrials
{
    private readonly Func<MicroBatchTrialArguments, MicroBatchTrial> _trial;
    private readonly IDeviceMemory? _memory;
    private readonly int _steps;
    private readonly int _maxTrials;
    private readonly List<MicroBatchTrialRecord> _records = [];
    private readonly Dictionary<int, MicroBatchTrialRecord> _bySize = [];

    public SelectionTrials(Func<MicroBatchTrialArguments, MicroBatchTrial> trial, MicroBatchSelectionOptions options, IDeviceMemory? memory)
    {
        _trial = trial;
        _memory = memory;
        _steps = options.StepsPerTrial;
        _maxTrials = options.MaxTrials;
        MeasureTime = options.MeasureSpeed;
        MaxFitError = options.MaxFitError;
        Granularity = options.Multiple;
        int min = options.MinMicroBatchSize;
        int max = options.MaxMicroBatchSize!.Value;
        Lowest = (int)(((long)min + Granularity - 1) / Granularity * Granularity);
        Highest = max / Granularity * Granularity;
        Start = Clamp((long)options.InitialMicroBatchSize + Granularity - 1);
        if (memory is not null)
        {
            DeviceMemoryInfo info = memory.Read();
            Memory = info;
            FreeBytes = info.FreeBytes;
            BudgetBytes = info.FreeBytes * (1 - options.Headroom);
            LimitBytes = info.UsedBytes + (long)Math.Floor(BudgetBytes);
        }

        LargestFit = Lowest - Granularity;
        SmallestFailure = Highest + Granularity;
    }

    /// <summary>Gets the step between allowed sizes.</summary>
    public int Granularity { get; }

    /// <summary>Gets the smallest allowed size.</summary>
    public int Lowest { get; }

    /// <summary>Gets the largest allowed size.</summary>
    public int Highest { get; }

    /// <summary>Gets the first size tried: the initial size rounded up to the granularity, inside the bounds.</summary>
    public int Start { get; }

    /// <summary>Gets the number of allowed sizes.</summary>
    public int AllowedCount => ((Highest - Lowest) / Granularity) + 1;

    public bool MeasureTime { get; }

    public double MaxFitError { get; }

    /// <summary>Gets the reading taken before the first trial, or <see langword="null"/> without a probe.</summary>
    public DeviceMemoryInfo? Memory { get; }

    /// <summary>Gets the free bytes before the first trial; 0 without a probe.</summary>
    public long FreeBytes { get; }

    /// <summary>Gets the bytes above the memory in use before the first trial a fitting trial may reach, <c>free_0 · (1 - headroom)</c>; 0 without a probe.</summary>
    public double BudgetBytes { get; }

    /// <summary>Gets the most bytes in use a fitting trial may reach, or <see langword="null"/> without a probe.</summary>
    public long? LimitBytes { get; }

    /// <summary>Gets the largest size that fits below <see cref="SmallestFailure"/>; <c>Lowest - Granularity</c> while none does.</summary>
    public int LargestFit { get; private set; }

    /// <summary>Gets the smallest size that did not fit; <c>Highest + Granularity</c> while none failed.</summary>
    public int SmallestFailure { get; private set; }

    public IReadOnlyList<MicroBatchTrialRecord> Records => _records;

    public bool CanTry => _records.Count < _maxTrials;

    /// <summary>Gets whether a trial was wanted when <see cref="CanTry"/> was false.</summary>
    public bool LimitReached { get; set; }

    public bool TryGet(int size, out MicroBatchTrialRecord record) => _bySize.TryGetValue(size, out record);

    /// <summary>Rounds down to the granularity and clamps into the allowed range.</summary>
    /// <remarks>
    /// Highest and Lowest are multiples of the granularity, so rounding down keeps Highest and cannot go below Lowest from
    /// above it; a size under Lowest (down to -∞, which the conversion saturates) rounds to less and the maximum lifts it.
    /// </remarks>
    public int Clamp(double size) => Math.Max(Lowest, (int)(Math.Floor(Math.Min(size, Highest) / Granularity) * Granularity));

    /// <summary>Runs a trial at an allowed size not tried yet, records it and updates the bracket.</summary>
    public MicroBatchTrialRecord Run(int size)
    {
        _memory?.ResetPeak();
        MicroBatchTrial outcome = _trial(new MicroBatchTrialArguments(size, _steps, MeasureTime));
        if (!outcome.IsOutOfMemory)
        {
            if (outcome.PeakBytes is null && _memory?.ReadPeak() is { } peak)
            {
                if (peak < 0)
                {
                    throw new InvalidOperationException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The memory probe's ReadPeak() returned {peak} after the trial at micro-batch {size}; it must be 0 or more bytes, or null when it cannot tell."));
                }

                outcome = MicroBatchTrial.Fits(peak, outcome.Seconds);
            }

            if (MeasureTime && outcome.Seconds is null)
            {
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The trial at micro-batch {size} fit but reported no Seconds; with MeasureSpeed set, every trial that fits must be timed (MicroBatchTrialArguments.MeasureTime is true)."));
            }
        }

        bool fits = !outcome.IsOutOfMemory && !(LimitBytes is { } limit && outcome.PeakBytes is { } used && used > limit);
        var record = new MicroBatchTrialRecord(size, outcome, fits);
        _records.Add(record);
        _bySize.Add(size, record);
        UpdateBracket();
        return record;
    }

    /// <summary>Fits the memory line to every trial with a peak, or returns <see langword="null"/> when fewer than two have one or the free memory is unknown.</summary>
    public MemoryFit? Fit()
    {
        if (Memory is not { } start || FreeBytes <= 0)
        {
            return null;
        }

        Span<double> sizes = stackalloc double[_records.Count];
        Span<double> bytes = stackalloc double[_records.Count];
        int n = 0;
        foreach (MicroBatchTrialRecord record in _records)
        {
            if (record.Outcome.PeakBytes is { } peak)
            {
                sizes[n] = record.MicroBatchSize;
                bytes[n] = peak - start.UsedBytes;
                n++;
            }
        }

        return n < 2 ? null : LeastSquares.Fit(sizes[..n], bytes[..n], FreeBytes);
    }

    private void UpdateBracket()
    {
        int failure = Highest + Granularity;
        foreach (MicroBatchTrialRecord record in _records)
        {
            if (!record.Fits)
            {
                failure = Math.Min(failure, record.MicroBatchSize);
            }
        }

        // Every size that did not fit is at least the smallest failure, so the sizes below it are sizes that fit.
        int fit = Lowest - Granularity;
        foreach (MicroBatchTrialRecord record in _records)
        {
            if (record.MicroBatchSize < failure)
            {
                fit = Math.Max(fit, record.MicroBatchSize);
            }
        }

        SmallestFailure = failure;
        LargestFit = fit;
    }
}
