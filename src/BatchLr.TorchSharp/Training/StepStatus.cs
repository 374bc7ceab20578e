namespace BatchLr.TorchSharp;

/// <summary>Specifies what a planned step did with its update (<see cref="StepReport.Status"/>).</summary>
public enum StepStatus
{
    /// <summary>The optimizer stepped, and the planner recorded the step with its loss and gradient statistics (<see cref="TrainingPlanner.Complete(in StepOutcome)"/>).</summary>
    Applied = 0,

    /// <summary>
    /// The loss was NaN or infinite: the optimizer did not step, and the planner passed the step's samples over
    /// (<see cref="TrainingPlanner.SkipStep"/>) without telling the reduce-on-plateau monitor, the noise estimates or the batch-size
    /// policy. The model's weights and the optimizer (moments, step counts, learning rates, momentum) are as before the step.
    /// </summary>
    SkippedNonFiniteLoss = 1,

    /// <summary>
    /// The loss was finite, but a gradient norm the step read (for <see cref="PlannedStepOptions.MaxGradientNorm"/>, the noise
    /// measurement, or the average across replicas) was NaN or infinite: skipped as <see cref="SkippedNonFiniteLoss"/> is.
    /// </summary>
    SkippedNonFiniteGradient = 2,
}
