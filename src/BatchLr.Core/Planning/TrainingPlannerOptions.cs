using BatchLr.Batching;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr;

/// <summary>Configures a <see cref="TrainingPlanner"/>.</summary>
public sealed class TrainingPlannerOptions
{
    /// <summary>Gets or sets a name for the plan, the tag <c>batchlr.plan</c> of every measurement of the <c>BatchLr</c> meter, so several plans in one process can be told apart.</summary>
    /// <value>The default is <see langword="null"/>: measurements carry no name.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the learning-rate (and momentum) schedule of the optimizer's parameter groups, with its reduce-on-plateau part if any.</summary>
    /// <value>Required.</value>
    public OptimizerSchedule? Schedule { get; set; }

    /// <summary>Gets or sets the policy that decides the global batch size.</summary>
    /// <value>Required.</value>
    public IBatchSizePolicy? BatchSize { get; set; }

    /// <summary>Gets or sets the rule that adjusts the learning rate to the batch size.</summary>
    /// <value>The default is <see cref="LearningRateScaling.None"/>.</value>
    public ILearningRateScaling Scaling { get; set; } = LearningRateScaling.None;

    /// <summary>Gets or sets the number of samples in one epoch, so the epoch clock advances by samples consumed.</summary>
    /// <value>
    /// 1 or more, or <see langword="null"/> when epochs are not tracked. Required when anything reads the epoch clock: a
    /// schedule or batch policy on <see cref="ProgressClock.Epochs"/>, or a <see cref="Duration"/> or
    /// <see cref="EvaluationInterval"/> in epochs. The default is <see langword="null"/>.
    /// </value>
    public long? DatasetSize { get; set; }

    /// <summary>Gets or sets what a step does when its batch is larger than what remains of the current epoch.</summary>
    /// <value>The default is <see cref="EpochBoundary.Continue"/>: the batch runs on into the next epoch. Any other choice needs a <see cref="DatasetSize"/>.</value>
    public EpochBoundary EpochBoundary { get; set; }

    /// <summary>Gets or sets the length of training.</summary>
    /// <value>
    /// <see langword="null"/> for training without a planned end (the default), or a length on any clock. With samples or
    /// epochs the last step's batch is cut to the samples that remain, so training consumes exactly that many samples
    /// (with replicas, down to a multiple of the replicas); <see cref="TrainingPlanner.IsComplete"/> says when it is done.
    /// </value>
    public TrainingDuration? Duration { get; set; }

    /// <summary>Gets or sets how often the loop evaluates: <see cref="StepPlan.IsEvaluationPoint"/> is set on each step that crosses a multiple of this interval, and on the last step.</summary>
    /// <value><see langword="null"/> for none (the default), or an interval in steps, samples or epochs (fractional, such as 0.5 epochs). Tokens are refused: a plan cannot know a step's tokens in advance.</value>
    public TrainingDuration? EvaluationInterval { get; set; }

    /// <summary>Gets or sets the largest micro-batch one replica can process at once; bigger batches are accumulated.</summary>
    /// <value>1 or more. The default is <see cref="int.MaxValue"/>: no accumulation.</value>
    public int MaxMicroBatchSize { get; set; } = int.MaxValue;

    /// <summary>Gets or sets after how many good steps a micro-batch limit lowered by an out-of-memory (<see cref="TrainingPlanner.ReportOutOfMemory"/>) doubles back toward <see cref="MaxMicroBatchSize"/>.</summary>
    /// <value>1 or more, or <see langword="null"/> to keep the lowered limit (the default): a device that ran out of memory once usually will again.</value>
    public int? MicroBatchRegrowthInterval { get; set; }

    /// <summary>Gets or sets the moving-average decay of the gradient-noise estimator, per optimizer step.</summary>
    /// <value>From 0 up to, not including, 1. The default is <see cref="Feedback.GradientNoiseEstimator.DefaultDecay"/>, 0.999.</value>
    /// <remarks>
    /// 0.999 is adaptdl's smoothing (Qiao et al. 2021) at scale 1, a step of its initial batch: the estimates average about 2,000 steps'
    /// worth of measurements, where 0.95 averaged about 39 and let a noise-adaptive batch wander by a factor of 16.
    /// Unlike adaptdl it is not raised to the power of the batch's growth, since one step's estimate does not become more
    /// precise where the batch follows the noise scale; <see cref="Feedback.GradientNoiseEstimator"/> gives the reasoning.
    /// A smaller decay follows a changing noise scale faster, at the price of noisier estimates.
    /// </remarks>
    public double NoiseDecay { get; set; } = Feedback.GradientNoiseEstimator.DefaultDecay;
}
