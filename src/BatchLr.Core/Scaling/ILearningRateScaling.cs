namespace BatchLr.Scaling;

/// <summary>Adjusts the learning rate when the batch size differs from the one the schedule was tuned for.</summary>
public interface ILearningRateScaling
{
    /// <summary>Returns the factor to multiply the scheduled learning rate by at a batch size.</summary>
    /// <param name="batchSize">The global batch size of the step; 1 or more.</param>
    /// <returns>The multiplier; 1 at the reference batch.</returns>
    double GetFactor(int batchSize);
}
