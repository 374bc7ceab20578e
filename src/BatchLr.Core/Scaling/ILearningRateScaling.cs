using BatchLr.Feedback;

namespace BatchLr.Scaling;

/// <summary>Adjusts the learning rate when the batch size differs from the one the schedule was tuned for.</summary>
/// <remarks>
/// The factor is a pure function of the batch size and the noise estimates passed in. The rules of
/// <see cref="LearningRateScaling"/> are immutable, so one instance may serve any number of threads and planners; an
/// implementation of this interface should keep that promise.
/// </remarks>
public interface ILearningRateScaling
{
    /// <summary>Gets a value indicating whether the schedule's progress advances by <see cref="GetFactor"/> per step instead of by one (AdaScale's scale-invariant iterations).</summary>
    bool ScalesProgress { get; }

    /// <summary>Returns the factor to multiply the scheduled learning rate by at a batch size.</summary>
    /// <param name="batchSize">The global batch size of the step; 1 or more.</param>
    /// <param name="noise">The current gradient-noise estimates; rules that do not need them ignore them.</param>
    /// <returns>The multiplier; 1 at the reference batch.</returns>
    double GetFactor(int batchSize, in GradientNoise noise);
}
