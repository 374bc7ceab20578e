using BatchLr.Feedback;

namespace BatchLr.Batching;

/// <summary>Carries what an adaptive batch-size policy may learn from one finished step.</summary>
/// <remarks>Fields a loop does not measure stay NaN (or <see cref="GradientNoise.Unknown"/>) and are ignored.</remarks>
public readonly struct BatchFeedback
{
    /// <summary>Initializes a new instance of the <see cref="BatchFeedback"/> struct.</summary>
    /// <param name="progress">The training progress after the step.</param>
    /// <param name="batchSize">The global batch size of the step.</param>
    /// <param name="validationMetric">A validation metric reported with this step, or NaN.</param>
    /// <param name="noise">The current gradient-noise estimates.</param>
    /// <param name="stepSeconds">The measured duration of the step in seconds, or NaN.</param>
    public BatchFeedback(TrainingProgress progress, int batchSize, double validationMetric, GradientNoise noise, double stepSeconds)
    {
        Progress = progress;
        BatchSize = batchSize;
        ValidationMetric = validationMetric;
        Noise = noise;
        StepSeconds = stepSeconds;
    }

    /// <summary>Gets the training progress after the step.</summary>
    public TrainingProgress Progress { get; }

    /// <summary>Gets the global batch size of the step.</summary>
    public int BatchSize { get; }

    /// <summary>Gets the validation metric reported with the step, or NaN when none was.</summary>
    public double ValidationMetric { get; }

    /// <summary>Gets the current gradient-noise estimates.</summary>
    public GradientNoise Noise { get; }

    /// <summary>Gets the measured duration of the step in seconds, or NaN when not measured.</summary>
    public double StepSeconds { get; }
}
