using System;
using BatchLr.Internal;

namespace BatchLr.Memory;

/// <summary>Describes one trial the selector asks for: the micro-batch to run, for how many steps, and whether to time them.</summary>
/// <remarks>A <see langword="readonly"/> struct rather than loose parameters, so fields can be added without breaking a trial written today.</remarks>
public readonly struct MicroBatchTrialArguments
{
    /// <summary>Initializes a new instance of the <see cref="MicroBatchTrialArguments"/> struct.</summary>
    /// <param name="microBatchSize">The samples of each step's forward and backward pass; 1 or more.</param>
    /// <param name="steps">The training steps to run at that size; 1 or more.</param>
    /// <param name="measureTime">Whether the trial should report <see cref="MicroBatchTrial.Seconds"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public MicroBatchTrialArguments(int microBatchSize, int steps, bool measureTime)
    {
        Guard.Positive(microBatchSize);
        Guard.Positive(steps);
        MicroBatchSize = microBatchSize;
        Steps = steps;
        MeasureTime = measureTime;
    }

    /// <summary>Gets the samples of each step's forward and backward pass.</summary>
    public int MicroBatchSize { get; }

    /// <summary>Gets the training steps to run at that size (<see cref="MicroBatchSelectionOptions.StepsPerTrial"/>).</summary>
    public int Steps { get; }

    /// <summary>Gets a value indicating whether the trial must report <see cref="MicroBatchTrial.Seconds"/> when it fits (<see cref="MicroBatchSelectionOptions.MeasureSpeed"/>).</summary>
    public bool MeasureTime { get; }
}
