namespace BatchLr.Batching;

/// <summary>Configures a batch size that follows the measured critical batch size (the gradient noise scale).</summary>
public sealed class NoiseAdaptiveBatchSizeOptions
{
    /// <summary>Gets or sets the batch size until the noise scale is known.</summary>
    /// <value>Required: 1 or more.</value>
    public int InitialBatchSize { get; set; }

    /// <summary>Gets or sets the multiple of the noise scale aimed at: the target is <c>TargetMultiple · B_simple</c>.</summary>
    /// <value>Greater than zero. The default is 1.</value>
    public double TargetMultiple { get; set; } = 1.0;

    /// <summary>Gets or sets the most the batch may grow or shrink at one update, as a factor.</summary>
    /// <value>Greater than 1. The default is 2.</value>
    public double MaxChangeFactor { get; set; } = 2.0;

    /// <summary>Gets or sets the number of steps between updates.</summary>
    /// <value>1 or more. The default is 100.</value>
    public int UpdateInterval { get; set; } = 100;

    /// <summary>Gets or sets the rules every batch size obeys (its bounds clamp the target).</summary>
    /// <value>The default is <see cref="BatchSizeConstraints.None"/>.</value>
    public BatchSizeConstraints Constraints { get; set; } = BatchSizeConstraints.None;
}
