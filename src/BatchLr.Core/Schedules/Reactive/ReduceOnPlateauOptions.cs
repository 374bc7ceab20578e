using System.Collections.Generic;
using BatchLr.Feedback;

namespace BatchLr.Schedules;

/// <summary>Configures a reduction of the learning rate when a watched metric stops improving; names and defaults follow PyTorch's ReduceLROnPlateau.</summary>
/// <remarks>
/// Used two ways. On its own (<see cref="ReduceOnPlateau"/>, or <see cref="OptimizerSchedule.ConstantWithPlateau(ReduceOnPlateauOptions, IReadOnlyList{double})"/>)
/// it reduces constant learning rates, exactly as PyTorch does. On top of a schedule
/// (<see cref="OptimizerSchedule.WithPlateau(ReduceOnPlateauOptions)"/>) it reduces a factor that starts at 1 and multiplies the
/// schedule's value; <see cref="MinLearningRates"/> and <see cref="Eps"/> then apply to that factor.
/// </remarks>
public sealed class ReduceOnPlateauOptions : PlateauOptions
{
    /// <summary>Gets or sets the factor applied at a plateau.</summary>
    /// <value>Greater than zero and less than 1. The default is 0.1.</value>
    public double Factor { get; set; } = 0.1;

    /// <summary>Gets or sets the lowest value a reduction reaches: one value for every parameter group, or one per group.</summary>
    /// <value>Finite numbers zero or more; learning rates on their own, factors on top of a schedule. The default is a single 0.</value>
    public IReadOnlyList<double> MinLearningRates { get; set; } = [0.0];

    /// <summary>Gets or sets the smallest reduction that is applied; a smaller one is skipped.</summary>
    /// <value>A finite number zero or more. The default is 1e-8.</value>
    public double Eps { get; set; } = 1e-8;
}
