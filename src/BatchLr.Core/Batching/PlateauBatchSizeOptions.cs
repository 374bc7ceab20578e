using BatchLr.Schedules;

namespace BatchLr.Batching;

/// <summary>Configures a batch size that changes by a factor when a validation metric stops improving.</summary>
/// <remarks>The plateau rules are those of <see cref="Schedules.ReduceOnPlateau"/>, so the two can share one configuration.</remarks>
public sealed class PlateauBatchSizeOptions
{
    /// <summary>Gets or sets the batch size at the start.</summary>
    /// <value>Required: 1 or more.</value>
    public int InitialBatchSize { get; set; }

    /// <summary>Gets or sets the factor applied to the batch size at a plateau: above 1 grows it, below 1 shrinks it.</summary>
    /// <value>Greater than zero and not 1. The default is 2.</value>
    public double Factor { get; set; } = 2.0;

    /// <summary>Gets or sets whether the metric improves by falling or by rising.</summary>
    /// <value>The default is <see cref="PlateauMode.Min"/>.</value>
    public PlateauMode Mode { get; set; } = PlateauMode.Min;

    /// <summary>Gets or sets the number of reports without improvement tolerated before the change.</summary>
    /// <value>Zero or more. The default is 10.</value>
    public int Patience { get; set; } = 10;

    /// <summary>Gets or sets the least change that counts as an improvement.</summary>
    /// <value>Zero or more. The default is 1e-4.</value>
    public double Threshold { get; set; } = 1e-4;

    /// <summary>Gets or sets how <see cref="Threshold"/> is measured.</summary>
    /// <value>The default is <see cref="ThresholdMode.Relative"/>.</value>
    public ThresholdMode ThresholdMode { get; set; } = ThresholdMode.Relative;

    /// <summary>Gets or sets the number of reports after a change during which bad reports are not counted.</summary>
    /// <value>Zero or more. The default is 0.</value>
    public int Cooldown { get; set; }

    /// <summary>Gets or sets the rules every batch size obeys.</summary>
    /// <value>The default is <see cref="BatchSizeConstraints.None"/>.</value>
    public BatchSizeConstraints Constraints { get; set; } = BatchSizeConstraints.None;
}
