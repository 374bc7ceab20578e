using System;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Memory;

/// <summary>Chooses the micro-batch a training step runs at: the largest that fits in device memory, or the fastest of those that fit.</summary>
/// <remarks>
/// <para>
/// The trial is the adapter's: a callback that runs a few training steps at a micro-batch and reports whether they fit,
/// with the peak memory and the seconds per step where it can tell, restoring the model and optimizer afterwards
/// (<see cref="MicroBatchTrial"/> states the contract). The selector decides which sizes to try:
/// </para>
/// <list type="bullet">
/// <item><see cref="MicroBatchStrategy.Model"/> (the default) fits <c>peak = fixed + perSample · b</c> by least squares and
/// takes the largest allowed <c>b</c> whose predicted peak stays under <c>used_0 + free_0 · (1 - Headroom)</c>, confirmed
/// by a trial: typically 3 to 5 trials. When the line misses a trial by more than
/// <see cref="MicroBatchSelectionOptions.MaxFitError"/> of the free memory (<see cref="MemoryFit"/> defines the residual and
/// the prediction error), or peaks cannot be read, it falls back to search, keeping what its trials showed.</item>
/// <item><see cref="MicroBatchStrategy.Search"/> follows Lightning's <c>scale_batch_size</c> (power-of-two growth from
/// <see cref="MicroBatchSelectionOptions.InitialMicroBatchSize"/>, then binary search; an out-of-memory or a peak over the
/// limit is too large) and finds the exact largest size that fits in at most <c>⌈log2 N⌉ + 2</c> trials, <c>N</c> the
/// number of allowed sizes: a doubling is tried only while that bound still holds, whatever its outcome.</item>
/// <item>With <see cref="MicroBatchSelectionOptions.MeasureSpeed"/>, every trial is timed, the powers of two below the
/// largest size that fits (down to an eighth of it) are tried too, and the best samples per second among the sizes that
/// fit wins.</item>
/// <item>With a <see cref="MicroBatchSelectionOptions.Cache"/>, a key seen before answers at once, with no trial.</item>
/// </list>
/// <para>
/// Every trial counts toward <see cref="MicroBatchSelectionOptions.MaxTrials"/>. The selector reads no clock and draws no
/// random number: the same trial outcomes give the same selection.
/// </para>
/// </remarks>
public static class MicroBatchSelector
{
    /// <summary>Selects the micro-batch by running trials.</summary>
    /// <param name="trial">Runs <see cref="MicroBatchTrialArguments.Steps"/> training steps at a micro-batch and reports the outcome; it must restore the training state afterwards.</param>
    /// <param name="options">The configuration; checked once.</param>
    /// <returns>The chosen micro-batch, how it was chosen, the trials and the fit.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trial"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option breaks its rule; the message lists every broken rule.</exception>
    /// <exception cref="InvalidOperationException">
    /// Not even the smallest allowed micro-batch fits; or a trial that fit reported no seconds although
    /// <see cref="MicroBatchSelectionOptions.MeasureSpeed"/> is set; or the memory probe returned a negative peak.
    /// Whatever the trial or the probe throw propagates unchanged.
    /// </exception>
    /// <exception cref="System.IO.IOException">The selection is done but a cache kept in a file could not write it; the entry is in the cache's memory all the same.</exception>
    public static MicroBatchSelection Select(Func<MicroBatchTrialArguments, MicroBatchTrial> trial, MicroBatchSelectionOptions options)
    {
        Guard.NotNull(trial);
        Guard.NotNull(options);
        Validate(options);

        if (options.Cache is { } cache && cache.TryGet(options.CacheKey!, out MicroBatchCacheEntry? cached) && Allows(options, cached))
        {
            return new MicroBatchSelection(cached.MicroBatchSize, cached.LargestMicroBatchSize, MicroBatchSelectionMethod.Cache, [], cached.Fit, null, null, null, false);
        }

        var trials = new SelectionTrials(trial, options, options.Memory is { IsAvailable: true } memory ? memory : null);

        string? fallback = null;
        MicroBatchSelectionMethod method = MicroBatchSelectionMethod.Search;
        if (options.Strategy == MicroBatchStrategy.Model)
        {
            fallback = ModelSelection.Run(trials);
            if (fallback is null)
            {
                method = MicroBatchSelectionMethod.Model;
            }
        }

        if (method == MicroBatchSelectionMethod.Search)
        {
            SearchSelection.Run(trials);
        }

        int largest = trials.LargestFit;
        if (largest < trials.Lowest)
        {
            throw new InvalidOperationException(NothingFits(trials));
        }

        int chosen = largest;
        if (options.MeasureSpeed)
        {
            chosen = SpeedSelection.Choose(trials, largest);
            largest = trials.LargestFit;
            method = MicroBatchSelectionMethod.Fastest;
        }

        var selection = new MicroBatchSelection(
            chosen,
            largest,
            method,
            [.. trials.Records],
            trials.Fit(),
            fallback,
            trials.Memory,
            trials.LimitBytes,
            trials.LimitReached);
        options.Cache?.Set(options.CacheKey!, new MicroBatchCacheEntry(chosen, largest, method, selection.Fit));
        return selection;
    }

    /// <summary>Gets whether the options still allow a cached answer: both sizes inside the bounds and multiples of the multiple.</summary>
    private static bool Allows(MicroBatchSelectionOptions options, MicroBatchCacheEntry entry) =>
        entry.MicroBatchSize >= options.MinMicroBatchSize && entry.LargestMicroBatchSize <= options.MaxMicroBatchSize
        && entry.MicroBatchSize % options.Multiple == 0 && entry.LargestMicroBatchSize % options.Multiple == 0;

    private static string NothingFits(SelectionTrials trials)
    {
        string why = trials.TryGet(trials.Lowest, out MicroBatchTrialRecord smallest)
            ? smallest.Outcome.IsOutOfMemory
                ? "ran out of memory"
                : string.Create(CultureInfo.InvariantCulture, $"peaked at {smallest.Outcome.PeakBytes} bytes in use, over the limit of {trials.LimitBytes} (the memory in use plus the free memory less the headroom)")
            : string.Create(CultureInfo.InvariantCulture, $"was not reached within MaxTrials, {trials.Records.Count}, and no trial fit");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"No micro-batch fits: the smallest allowed, {trials.Lowest}, {why}. Free device memory, lower MinMicroBatchSize or Headroom, or use a smaller model or input.");
    }

    private static void Validate(MicroBatchSelectionOptions options)
    {
        var check = new OptionsValidation(nameof(options));
        check.Defined(options.Strategy, nameof(options.Strategy));
        check.Require(options.MinMicroBatchSize >= 1, nameof(options.MinMicroBatchSize), options.MinMicroBatchSize, "1 or more");
        check.Require(options.MaxMicroBatchSize is not null, nameof(options.MaxMicroBatchSize), null, "set to the largest micro-batch worth trying, such as the per-replica batch of a step");
        check.Require(options.Multiple >= 1, nameof(options.Multiple), options.Multiple, "1 or more");
        if (options.MaxMicroBatchSize is { } max)
        {
            check.Require(max >= options.MinMicroBatchSize, nameof(options.MaxMicroBatchSize), max, "no less than MinMicroBatchSize, " + options.MinMicroBatchSize.ToString(CultureInfo.InvariantCulture));
            // Only a range of sizes from 1 up has a multiple to look for, and only a multiple above 0 can be divided by.
            if (max >= options.MinMicroBatchSize && options.MinMicroBatchSize >= 1 && options.Multiple > 0)
            {
                long lowest = ((long)options.MinMicroBatchSize + options.Multiple - 1) / options.Multiple * options.Multiple;
                check.Require(
                    lowest <= max,
                    nameof(options.Multiple),
                    options.Multiple,
                    string.Create(CultureInfo.InvariantCulture, $"a divisor of some size from MinMicroBatchSize, {options.MinMicroBatchSize}, to MaxMicroBatchSize, {max}"));
            }
        }

        check.Require(options.InitialMicroBatchSize >= 1, nameof(options.InitialMicroBatchSize), options.InitialMicroBatchSize, "1 or more");
        check.Require(options.StepsPerTrial >= 1, nameof(options.StepsPerTrial), options.StepsPerTrial, "1 or more");
        check.Require(options.MaxTrials >= 1, nameof(options.MaxTrials), options.MaxTrials, "1 or more");
        check.Require(options.Headroom is >= 0 and < 1, nameof(options.Headroom), options.Headroom, "from 0 up to, not including, 1");
        check.Positive(options.MaxFitError, nameof(options.MaxFitError));
        check.Require(
            options.Cache is null || !string.IsNullOrEmpty(options.CacheKey),
            nameof(options.CacheKey),
            options.CacheKey is null ? null : "\"" + options.CacheKey + "\"",
            "a non-empty key when Cache is set");
        check.Require(
            options.CacheKey is null || options.Cache is not null,
            nameof(options.Cache),
            null,
            "set when CacheKey is, since the key names an entry of a cache");
        check.ThrowIfInvalid();
    }
}
