using BatchLr.Schedules;

namespace BatchLr;

/// <summary>Describes the next optimizer step: how its batch is split, and the learning rate and momentum of each parameter group.</summary>
/// <remarks>Values are computed when asked for; nothing is allocated.</remarks>
public readonly struct StepPlan
{
    private readonly OptimizerSchedule _schedule;
    private readonly double _position;

    internal StepPlan(OptimizerSchedule schedule, TrainingProgress progress, double position, BatchPlan batch, double factor)
    {
        _schedule = schedule;
        Progress = progress;
        _position = position;
        Batch = batch;
        LearningRateFactor = factor;
    }

    /// <summary>Gets the training progress before the step.</summary>
    public TrainingProgress Progress { get; }

    /// <summary>Gets how the step's global batch is split across replicas and micro-batches.</summary>
    public BatchPlan Batch { get; }

    /// <summary>Gets the factor the scaling rule applies to the scheduled learning rate at this batch size.</summary>
    public double LearningRateFactor { get; }

    /// <summary>Gets the number of parameter groups.</summary>
    public int GroupCount => _schedule.GroupCount;

    /// <summary>Gets a value indicating whether the schedule drives the momentum.</summary>
    public bool HasMomentum => _schedule.HasMomentum;

    /// <summary>Gets the learning rate of the first parameter group.</summary>
    public double LearningRate => GetLearningRate(0);

    /// <summary>Returns the learning rate of a parameter group for this step: the scheduled rate times <see cref="LearningRateFactor"/>.</summary>
    /// <param name="group">The group index.</param>
    /// <returns>The learning rate.</returns>
    public double GetLearningRate(int group) => _schedule.GetLearningRateAt(group, Progress, _position) * LearningRateFactor;

    /// <summary>Returns the momentum of a parameter group for this step.</summary>
    /// <param name="group">The group index.</param>
    /// <returns>The momentum.</returns>
    public double GetMomentum(int group) => _schedule.GetMomentumAt(group, Progress, _position);
}
