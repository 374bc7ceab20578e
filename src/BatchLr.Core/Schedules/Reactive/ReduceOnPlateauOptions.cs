using System.Collections.Generic;

namespace BatchLr.Schedules;

/// <summary>Configures <see cref="ReduceOnPlateau"/>; names and defaults follow PyTorch's ReduceLROnPlateau.</summary>
public sealed class ReduceOnPlateauOptions
{
    /// <summary>Gets or sets whether the metric improves by falling or by rising.</summary>
    /// <value>The default is <see cref="PlateauMode.Min"/>.</value>
    public PlateauMode Mode { get; set; } = PlateauMode.Min;

    /// <summary>Gets or sets the factor applied to the learning rate at a plateau.</summary>
    /// <value>Greater than zero and less than 1. The default is 0.1.</value>
    public double Factor { get; set; } = 0.1;

    /// <summary>Gets or sets the number of reports without improvement that are tolerated; the next one reduces the rate.</summary>
    /// <value>Zero or more. The default is 10.</value>
    public int Patience { get; set; } = 10;

    /// <summary>Gets or sets the least change that counts as an improvement.</summary>
    /// <value>A finite number zero or more. The default is 1e-4.</value>
    public double Threshold { get; set; } = 1e-4;

    /// <summary>Gets or sets how <see cref="Threshold"/> is measured.</summary>
    /// <value>The default is <see cref="ThresholdMode.Relative"/>.</value>
    public ThresholdMode ThresholdMode { get; set; } = ThresholdMode.Relative;

    /// <summary>Gets or sets the number of reports after a reduction during which bad reports are not counted.</summary>
    /// <value>Zero or more. The default is 0.</value>
    public int Cooldown { get; set; }

    /// <summary>Gets or sets the lower bound of the learning rate: one value for every parameter group, or one per group.</summary>
    /// <value>Finite numbers zero or more. The default is a single 0.</value>
    public IReadOnlyList<double> MinLearningRates { get; set; } = [0.0];

    /// <summary>Gets or sets the smallest reduction that is applied; a smaller one is skipped.</summary>
    /// <value>A finite number zero or more. The default is 1e-8.</value>
    public double Eps { get; set; } = 1e-8;
}
