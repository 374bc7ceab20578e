using BatchLr.Feedback;

namespace BatchLr;

/// <summary>Carries what happened in one optimizer step, reported to <see cref="TrainingPlanner.Complete(in StepOutcome)"/>.</summary>
/// <remarks>Only <see cref="Samples"/> is required; set the other properties with an object initializer or <c>with</c> when the loop measures them.</remarks>
public readonly struct StepOutcome
{
    /// <summary>Initializes a new instance of the <see cref="StepOutcome"/> struct.</summary>
    /// <param name="samples">The samples the step actually consumed, over all replicas; 1 or more.</param>
    public StepOutcome(long samples)
    {
        Samples = samples;
    }

    /// <summary>Gets the samples the step actually consumed, over all replicas (fewer than planned at the end of a dataset).</summary>
    public long Samples { get; init; }

    /// <summary>Gets the tokens the step consumed; 0 when not counted.</summary>
    public long Tokens { get; init; }

    /// <summary>Gets the training loss of the step, or <see langword="null"/>.</summary>
    public double? Loss { get; init; }

    /// <summary>Gets the gradient norms at two batch sizes, or <see langword="null"/> when not measured.</summary>
    public GradientStatistics? Gradients { get; init; }

    /// <summary>Gets the measured duration of the step in seconds, or <see langword="null"/>.</summary>
    public double? Seconds { get; init; }
}
