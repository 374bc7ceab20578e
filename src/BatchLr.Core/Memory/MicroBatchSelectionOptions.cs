namespace BatchLr.Memory;

/// <summary>Configures <see cref="MicroBatchSelector.Select"/>.</summary>
/// <remarks>
/// The allowed micro-batches are the multiples of <see cref="Multiple"/> from <see cref="MinMicroBatchSize"/> to
/// <see cref="MaxMicroBatchSize"/>, the rule <see cref="Batching.BatchSizeConstraints"/> applies to a global batch; pass the
/// batch policy's <c>Constraints.Multiple</c> so every micro-batch keeps its rounding (8 is common on GPUs).
/// </remarks>
public sealed class MicroBatchSelectionOptions
{
    /// <summary>Gets or sets how the largest micro-batch that fits is looked for.</summary>
    /// <value>The default is <see cref="MicroBatchStrategy.Model"/>: fit a line, search when the fit is poor.</value>
    public MicroBatchStrategy Strategy { get; set; } = MicroBatchStrategy.Model;

    /// <summary>Gets or sets the smallest micro-batch allowed.</summary>
    /// <value>1 or more. The default is 1.</value>
    public int MinMicroBatchSize { get; set; } = 1;

    /// <summary>Gets or sets the largest micro-batch allowed, typically the per-replica batch of a step: a larger micro-batch would never be used.</summary>
    /// <value>Required: no less than <see cref="MinMicroBatchSize"/>, with a multiple of <see cref="Multiple"/> in between. The default is <see langword="null"/>.</value>
    /// <remarks>
    /// Keep it to a size the loop could really use: the search may try it, or half of it, early on, and the trial must be
    /// able to build a batch that large (an out-of-memory on the device is expected; one on the host is not).
    /// </remarks>
    public int? MaxMicroBatchSize { get; set; }

    /// <summary>Gets or sets the rounding multiple: every micro-batch tried or chosen is a multiple of it.</summary>
    /// <value>1 or more. The default is 1.</value>
    public int Multiple { get; set; } = 1;

    /// <summary>Gets or sets the first micro-batch tried (the model's first probe, the search's first size), rounded up to a multiple of <see cref="Multiple"/> and kept inside the bounds.</summary>
    /// <value>1 or more. The default is 2, Lightning's <c>init_val</c>.</value>
    public int InitialMicroBatchSize { get; set; } = MicroBatchDefaults.InitialMicroBatchSize;

    /// <summary>Gets or sets the training steps each trial runs (<see cref="MicroBatchTrialArguments.Steps"/>).</summary>
    /// <value>
    /// 1 or more. The default is 3, Lightning's <c>steps_per_trial</c>: one step can pass where a later one fails, since
    /// optimizer state is allocated at the first step and allocator caches grow over the next.
    /// </value>
    public int StepsPerTrial { get; set; } = MicroBatchDefaults.StepsPerTrial;

    /// <summary>Gets or sets the most trials one selection runs, whatever the strategy; when it is reached, the largest micro-batch seen to fit is chosen.</summary>
    /// <value>1 or more. The default is 25, Lightning's <c>max_trials</c> (which counts increases only; here every trial counts).</value>
    public int MaxTrials { get; set; } = MicroBatchDefaults.MaxTrials;

    /// <summary>Gets or sets the fraction of the free memory left unused: a micro-batch fits when its peak stays under <c>used_0 + free_0 · (1 - Headroom)</c>.</summary>
    /// <value>
    /// From 0 up to, not including, 1. The default is 0.1: twice the largest fit error the model accepts
    /// (<see cref="MaxFitError"/>, 0.05), so a prediction at the edge of that error still keeps 5% of the free memory for
    /// what trials do not show, such as allocator fragmentation that grows over training or a longer batch later on.
    /// </value>
    /// <remarks>The limit needs <see cref="Memory"/>; without it, only an out-of-memory makes a micro-batch too large, as in Lightning.</remarks>
    public double Headroom { get; set; } = MicroBatchDefaults.Headroom;

    /// <summary>Gets or sets the largest <see cref="MemoryFit.Residual"/> the model trusts; above it, the selection falls back to search.</summary>
    /// <value>
    /// A finite number greater than zero. The default is 0.05: an error of 5% of the free memory, half the default
    /// <see cref="Headroom"/>. Peaks linear in the micro-batch (activations) fit far closer; a jump, such as a kernel that
    /// switches to a workspace-hungry algorithm above some size, misses by more.
    /// </value>
    public double MaxFitError { get; set; } = MicroBatchDefaults.MaxFitError;

    /// <summary>Gets or sets a value indicating whether trials are timed and the micro-batch with the best samples per second among those that fit is chosen, rather than the largest.</summary>
    /// <value>The default is <see langword="false"/>: the largest micro-batch that fits.</value>
    /// <remarks>
    /// The largest is not always the fastest: past some size a step can lose cache locality or switch kernels, and an odd
    /// size can leave a partial tile. Besides every trial already run (all are timed), the powers of two below the largest
    /// size that fits, down to an eighth of it, are tried.
    /// </remarks>
    public bool MeasureSpeed { get; set; }

    /// <summary>Gets or sets the probe of the device the trials run on, for its free memory and the trials' peaks.</summary>
    /// <value>
    /// The default is <see langword="null"/>. Without one (or when it is not <see cref="IDeviceMemory.IsAvailable"/>),
    /// there is no memory limit and no fit: <see cref="MicroBatchStrategy.Model"/> falls back to search.
    /// </value>
    public IDeviceMemory? Memory { get; set; }

    /// <summary>Gets or sets the cache that remembers selections, so a second run with the same <see cref="CacheKey"/> runs no trial.</summary>
    /// <value>The default is <see langword="null"/>: no caching. Set together with <see cref="CacheKey"/>.</value>
    public MicroBatchCache? Cache { get; set; }

    /// <summary>Gets or sets the key of this selection in <see cref="Cache"/>; it should name everything the answer depends on, such as the model, its input shape, the precision and the device.</summary>
    /// <value>Not empty when <see cref="Cache"/> is set. The default is <see langword="null"/>.</value>
    public string? CacheKey { get; set; }
}
