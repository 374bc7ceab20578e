using static TorchSharp.torch;

namespace BatchLr.TorchSharp;

/// <summary>Configures a <see cref="PlannedLoader{TBatch}"/>.</summary>
public sealed class PlannedLoaderOptions
{
    /// <summary>Gets or sets whether each epoch visits the samples in a new seeded order.</summary>
    /// <value>The default is <see langword="true"/>; <see langword="false"/> visits them in dataset order.</value>
    public bool Shuffle { get; set; } = true;

    /// <summary>Gets or sets the seed of the epochs' orders: the same seed gives the same orders on every run and platform, also after resuming.</summary>
    /// <value>Any number. The default is 0.</value>
    public long Seed { get; set; }

    /// <summary>Gets or sets which data-parallel replica this loader serves; the replica count is the plan's (<see cref="BatchPlan.Replicas"/>).</summary>
    /// <value>From 0 up to the replica count. The default is 0.</value>
    public int Rank { get; set; }

    /// <summary>Gets or sets the device the micro-batches are moved to.</summary>
    /// <value>The default is <see langword="null"/>: the device the data is on (the CPU for a dataset).</value>
    public Device? Device { get; set; }

    /// <summary>Gets or sets whether a dataset's samples for the micro-batch expected next are read on a background thread while the caller trains on the current one.</summary>
    /// <value>
    /// The default is <see langword="false"/>. The micro-batch expected next is the step's next one, or after a step's last, the
    /// next step's first at the same micro-batch size: a guess, checked against the indices asked for, and discarded when the
    /// plan turned out otherwise. Collating stays on the caller's thread. The dataset's <c>GetTensor</c> must allow being called
    /// from another thread. Tensors in memory need no prefetching, and ignore this.
    /// </value>
    public bool Prefetch { get; set; }
}
