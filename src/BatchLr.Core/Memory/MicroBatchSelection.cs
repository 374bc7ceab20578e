using System.Collections.Generic;
using System.Globalization;

namespace BatchLr.Memory;

/// <summary>Holds the micro-batch a selection chose, how it was chosen, and the evidence: the trials and the memory fit.</summary>
/// <remarks>Pass <see cref="MicroBatchSize"/> to the planner as <see cref="TrainingPlannerOptions.MaxMicroBatchSize"/>; a larger global batch is then accumulated.</remarks>
public sealed class MicroBatchSelection
{
    internal MicroBatchSelection(
        int microBatchSize,
        int largestMicroBatchSize,
        MicroBatchSelectionMethod method,
        IReadOnlyList<MicroBatchTrialRecord> trials,
        MemoryFit? fit,
        string? fallbackReason,
        DeviceMemoryInfo? memory,
        long? memoryLimitBytes,
        bool isTrialLimitReached)
    {
        MicroBatchSize = microBatchSize;
        LargestMicroBatchSize = largestMicroBatchSize;
        Method = method;
        Trials = trials;
        Fit = fit;
        FallbackReason = fallbackReason;
        Memory = memory;
        MemoryLimitBytes = memoryLimitBytes;
        IsTrialLimitReached = isTrialLimitReached;
    }

    /// <summary>Gets the chosen micro-batch.</summary>
    public int MicroBatchSize { get; }

    /// <summary>Gets the largest micro-batch found to fit; equal to <see cref="MicroBatchSize"/> unless <see cref="MicroBatchSelectionMethod.Fastest"/> chose a smaller, faster one.</summary>
    public int LargestMicroBatchSize { get; }

    /// <summary>Gets how <see cref="MicroBatchSize"/> was chosen.</summary>
    public MicroBatchSelectionMethod Method { get; }

    /// <summary>Gets the trials, in the order they ran; empty when the answer came from the cache.</summary>
    public IReadOnlyList<MicroBatchTrialRecord> Trials { get; }

    /// <summary>Gets the line fitted to every trial with a peak reading, or <see langword="null"/> when fewer than two had one or the free memory is unknown; from the cache, the stored fit.</summary>
    public MemoryFit? Fit { get; }

    /// <summary>Gets why <see cref="MicroBatchStrategy.Model"/> handed over to search (a poor fit, no peak readings, a prediction that ran out of memory), or <see langword="null"/> when it did not.</summary>
    public string? FallbackReason { get; }

    /// <summary>Gets the device memory read before the first trial, or <see langword="null"/> without a probe.</summary>
    public DeviceMemoryInfo? Memory { get; }

    /// <summary>Gets the most bytes in use a fitting trial may reach, <c>used_0 + free_0 · (1 - Headroom)</c>, or <see langword="null"/> without a probe.</summary>
    public long? MemoryLimitBytes { get; }

    /// <summary>Gets a value indicating whether <see cref="MicroBatchSelectionOptions.MaxTrials"/> stopped the selection before it was done, so a larger micro-batch may also fit.</summary>
    public bool IsTrialLimitReached { get; }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"micro-batch {MicroBatchSize} by {Method} (largest that fits {LargestMicroBatchSize}, {Trials.Count} {(Trials.Count == 1 ? "trial" : "trials")})");
}
