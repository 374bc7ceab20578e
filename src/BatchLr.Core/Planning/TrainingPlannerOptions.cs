using BatchLr.Batching;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr;

/// <summary>Configures a <see cref="TrainingPlanner"/>.</summary>
public sealed class TrainingPlannerOptions
{
    /// <summary>Gets or sets the learning-rate (and momentum) schedule of the optimizer's parameter groups.</summary>
    /// <value>Required.</value>
    public OptimizerSchedule? Schedule { get; set; }

    /// <summary>Gets or sets the policy that decides the global batch size.</summary>
    /// <value>Required.</value>
    public IBatchSizePolicy? BatchSize { get; set; }

    /// <summary>Gets or sets the rule that adjusts the learning rate to the batch size.</summary>
    /// <value>The default is <see cref="LearningRateScaling.None"/>.</value>
    public ILearningRateScaling Scaling { get; set; } = LearningRateScaling.None;

    /// <summary>Gets or sets the number of samples in one epoch, so the epoch clock advances by samples consumed.</summary>
    /// <value>1 or more, or <see langword="null"/> when epochs are not tracked (the epoch clock stays at 0). The default is <see langword="null"/>.</value>
    public long? DatasetSize { get; set; }

    /// <summary>Gets or sets the largest micro-batch one replica can process at once; bigger batches are accumulated.</summary>
    /// <value>1 or more. The default is <see cref="int.MaxValue"/>: no accumulation.</value>
    public int MaxMicroBatchSize { get; set; } = int.MaxValue;

    /// <summary>Gets or sets the moving-average decay of the gradient-noise estimator.</summary>
    /// <value>From 0 up to, not including, 1. The default is 0.95.</value>
    public double NoiseDecay { get; set; } = 0.95;
}
