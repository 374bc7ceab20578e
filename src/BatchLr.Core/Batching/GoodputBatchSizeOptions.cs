namespace BatchLr.Batching;

/// <summary>Configures a batch size chosen to maximise goodput, throughput × statistical efficiency (Qiao et al. 2021, Pollux).</summary>
public sealed class GoodputBatchSizeOptions
{
    /// <summary>Gets or sets the batch size at the start, which is also the reference <c>M0</c> of the efficiency and the smallest candidate.</summary>
    /// <value>Required: 1 or more.</value>
    public int InitialBatchSize { get; set; }

    /// <summary>Gets or sets the ratio between neighbouring candidate batch sizes, <c>M0 · ratio^k</c> up to the largest allowed size.</summary>
    /// <value>Greater than 1, and large enough that the grid holds at most 1,000 sizes: <c>ratio^1000</c> at least the largest allowed size over <see cref="InitialBatchSize"/>. The default is 2.</value>
    public double CandidateRatio { get; set; } = 2.0;

    /// <summary>Gets or sets the least relative goodput gain that justifies a switch.</summary>
    /// <value>Zero or more. The default is 0.05, Pollux's 5%.</value>
    public double SwitchThreshold { get; set; } = 0.05;

    /// <summary>Gets or sets the number of steps between decisions; each size is timed over at least this many steps.</summary>
    /// <value>1 or more. The default is 50.</value>
    public int UpdateInterval { get; set; } = 50;

    /// <summary>Gets or sets the step-time model's error over one interval above which the policy forgets its timings and explores again.</summary>
    /// <value>
    /// Greater than zero: the root mean square of <c>(T - T̂) / T̂</c> over the interval's timed steps, <c>T̂</c> the step time
    /// the model fitted at the previous decision predicts. The default is 0.25: timing jitter of a few percent stays well
    /// below it, and a system that became a third slower or faster exceeds it.
    /// </value>
    public double ResidualThreshold { get; set; } = 0.25;

    /// <summary>Gets or sets the rules every batch size obeys; its maximum bounds the candidates.</summary>
    /// <value>The default is <see cref="BatchSizeConstraints.None"/>: without a maximum the candidates reach <see cref="int.MaxValue"/>.</value>
    public BatchSizeConstraints Constraints { get; set; } = BatchSizeConstraints.None;
}
