using BatchLr.Feedback;

namespace BatchLr.Batching;

/// <summary>Carries what an adaptive batch-size policy may learn from one finished step.</summary>
/// <remarks>
/// Only <see cref="Progress"/> and <see cref="Batch"/> are required; a loop that does not measure the others leaves them
/// unset (<see langword="null"/>, or <see cref="GradientNoise.Unknown"/>), and policies ignore them. Validation metrics do not
/// travel here: they reach a policy through <see cref="IAdaptiveBatchSizePolicy.Report(double)"/>, whenever they are measured.
/// </remarks>
public readonly struct BatchFeedback
{
    /// <summary>Initializes a new instance of the <see cref="BatchFeedback"/> struct.</summary>
    /// <param name="progress">The training progress after the step.</param>
    /// <param name="batch">How the step's batch was split; its global size is the samples the step consumed.</param>
    public BatchFeedback(TrainingProgress progress, BatchPlan batch)
    {
        Progress = progress;
        Batch = batch;
        Noise = GradientNoise.Unknown;
        MaxMicroBatchSize = int.MaxValue;
        MinAccumulationSteps = 1;
    }

    /// <summary>Gets the training progress after the step.</summary>
    public TrainingProgress Progress { get; init; }

    /// <summary>Gets how the step's batch was split into replicas and micro-batches; its global size is the samples the step consumed.</summary>
    public BatchPlan Batch { get; init; }

    /// <summary>Gets the global batch size of the step: the samples it consumed over all replicas.</summary>
    public int BatchSize => Batch.GlobalBatchSize;

    /// <summary>Gets the largest micro-batch a replica could hold, which sets the accumulation of any other batch size.</summary>
    /// <value>1 or more. The default is <see cref="int.MaxValue"/>: no accumulation.</value>
    public int MaxMicroBatchSize { get; init; }

    /// <summary>Gets the fewest micro-batches the planner splits a batch into (2 on one replica when the gradient noise is measured), which with <see cref="MaxMicroBatchSize"/> sets the split of any other batch size.</summary>
    /// <value>1 or more. The default is 1.</value>
    public int MinAccumulationSteps { get; init; }

    /// <summary>Gets the training loss of the step, or <see langword="null"/> when not measured.</summary>
    public double? Loss { get; init; }

    /// <summary>Gets the current gradient-noise estimates.</summary>
    /// <value>The default is <see cref="GradientNoise.Unknown"/>.</value>
    public GradientNoise Noise { get; init; }

    /// <summary>Gets the measured duration of the step in seconds, or <see langword="null"/> when not measured.</summary>
    public double? StepSeconds { get; init; }
}
