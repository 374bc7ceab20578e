namespace BatchLr.Schedules;

/// <summary>Configures a one-cycle schedule and its momentum companion (Smith and Topin 2018; PyTorch's OneCycleLR).</summary>
public sealed class OneCycleOptions
{
    /// <summary>Gets or sets the peak learning rate.</summary>
    /// <value>Required: a finite number greater than zero.</value>
    public double MaxLearningRate { get; set; }

    /// <summary>Gets or sets the number of steps in the cycle.</summary>
    /// <value>Required: greater than zero; in three-phase mode large enough that every phase is longer than zero.</value>
    public double TotalSteps { get; set; }

    /// <summary>Gets or sets the fraction of the cycle spent rising to the peak.</summary>
    /// <value>Strictly between 0 and 1. The default is 0.3.</value>
    public double PctStart { get; set; } = 0.3;

    /// <summary>Gets or sets the curve of every phase.</summary>
    /// <value><see cref="AnnealShape.Cosine"/> or <see cref="AnnealShape.Linear"/>. The default is <see cref="AnnealShape.Cosine"/>.</value>
    public AnnealShape AnnealStrategy { get; set; } = AnnealShape.Cosine;

    /// <summary>Gets or sets the divisor of the peak that gives the starting rate, <c>initial = max / div_factor</c>.</summary>
    /// <value>Greater than zero. The default is 25.</value>
    public double DivFactor { get; set; } = 25.0;

    /// <summary>Gets or sets the divisor of the starting rate that gives the final rate, <c>final = initial / final_div_factor</c>.</summary>
    /// <value>Greater than zero. The default is 10,000.</value>
    public double FinalDivFactor { get; set; } = 1e4;

    /// <summary>Gets or sets a value indicating whether the rate falls back to the start before annealing to the final rate (three phases) instead of annealing straight from the peak (two phases).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool ThreePhase { get; set; }

    /// <summary>Gets or sets the momentum at the learning-rate peak, the lowest of the cycle.</summary>
    /// <value>Zero or more and no greater than <see cref="MaxMomentum"/>. The default is 0.85.</value>
    public double BaseMomentum { get; set; } = 0.85;

    /// <summary>Gets or sets the momentum at the start and end of the cycle.</summary>
    /// <value>The default is 0.95.</value>
    public double MaxMomentum { get; set; } = 0.95;
}
