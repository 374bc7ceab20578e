namespace BatchLr.Memory;

/// <summary>The defaults of <see cref="MicroBatchSelectionOptions"/> and the selector's fixed choices, in one place.</summary>
internal static class MicroBatchDefaults
{
    /// <summary>Lightning's <c>init_val</c>.</summary>
    public const int InitialMicroBatchSize = 2;

    /// <summary>Lightning's <c>steps_per_trial</c>.</summary>
    public const int StepsPerTrial = 3;

    /// <summary>Lightning's <c>max_trials</c>.</summary>
    public const int MaxTrials = 25;

    /// <summary>Twice <see cref="MaxFitError"/>.</summary>
    public const double Headroom = 0.1;

    /// <summary>Half of <see cref="Headroom"/>.</summary>
    public const double MaxFitError = 0.05;

    /// <summary>
    /// The model's second probe is this many times its first: the slope's error is the noise over the probes' spread, and the
    /// prediction multiplies it by the answer, so close probes (2 and 8) would let a few MiB of fragmentation move the answer
    /// by a tenth of the free memory.
    /// </summary>
    public const int ProbeFactor = 16;

    /// <summary>The model predicts and confirms at most this many times; each confirmation adds a point near the answer.</summary>
    public const int ModelRounds = 3;

    /// <summary>Besides the largest size that fits, the powers of two below it down to 1/SpeedLadder of it are timed.</summary>
    public const int SpeedLadder = 8;
}
