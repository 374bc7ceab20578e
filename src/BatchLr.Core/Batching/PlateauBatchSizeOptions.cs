using BatchLr.Feedback;

namespace BatchLr.Batching;

/// <summary>Configures a factor on top of a batch-size policy that changes each time a watched metric stops improving.</summary>
/// <remarks>The plateau rules (<see cref="PlateauOptions"/>) are those of <see cref="Schedules.ReduceOnPlateau"/>.</remarks>
public sealed class PlateauBatchSizeOptions : PlateauOptions
{
    /// <summary>Gets or sets the factor the batch-size multiplier is multiplied by at a plateau: above 1 grows the batch, below 1 shrinks it.</summary>
    /// <value>A finite number greater than zero and not 1. The default is 2.</value>
    public double Factor { get; set; } = 2.0;
}
