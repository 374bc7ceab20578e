using System;
using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr;

/// <summary>Describes the next optimizer step: how its batch is split, the learning rate and momentum of each parameter group, and whether to evaluate after it.</summary>
/// <remarks>
/// <para>
/// A plan is a snapshot: its values are fixed when <see cref="TrainingPlanner.Plan"/> returns it and never change afterwards,
/// whatever the planner learns later (a metric that reduces the learning rate reaches the next plan, not this one). The
/// values are computed when read, from the pure schedules and the factors in force when the plan was made, so making a
/// plan allocates nothing.
/// </para>
/// <para>Two plans are equal when their progress, batch split, flags and every group's learning rate and momentum are.</para>
/// </remarks>
public readonly struct StepPlan : IEquatable<StepPlan>
{
    private readonly OptimizerSchedule _schedule;
    private readonly double _position;
    private readonly double[] _plateauFactors;

    internal StepPlan(OptimizerSchedule schedule, TrainingProgress progress, double position, BatchPlan batch, double factor, double[] plateauFactors, bool evaluate, bool last, long dataOffset, long skip, double batchMultiplier, GradientNoise noise)
    {
        DataOffset = dataOffset;
        Skip = skip;
        _schedule = schedule;
        Progress = progress;
        _position = position;
        Batch = batch;
        LearningRateFactor = factor;
        _plateauFactors = plateauFactors;
        IsEvaluationPoint = evaluate;
        IsLastStep = last;
        BatchMultiplier = batchMultiplier;
        Noise = noise;
    }

    /// <summary>Gets the training progress before the step.</summary>
    public TrainingProgress Progress { get; }

    /// <summary>Gets how the step's global batch is split across replicas and micro-batches.</summary>
    public BatchPlan Batch { get; }

    /// <summary>Gets the factor the scaling rule applies to the scheduled learning rate at this batch size.</summary>
    public double LearningRateFactor { get; }

    /// <summary>Gets a value indicating whether the step crosses an evaluation point of <see cref="TrainingPlannerOptions.EvaluationInterval"/>, or ends training while an interval is set: validate after completing it.</summary>
    public bool IsEvaluationPoint { get; }

    /// <summary>Gets a value indicating whether the step reaches <see cref="TrainingPlannerOptions.Duration"/>, so training is complete after it.</summary>
    public bool IsLastStep { get; }

    /// <summary>Gets where the step's batch starts in the stream of samples, epoch after epoch: the batch is the stream's next <c>Batch.GlobalBatchSize</c> samples from here.</summary>
    /// <value>With a dataset of <c>D</c> samples, the batch starts in epoch <c>DataOffset / D</c> at place <c>DataOffset % D</c> of that epoch's order. A loader that follows the plan reads its position from here, so it needs no state of its own.</value>
    public long DataOffset { get; }

    /// <summary>Gets the gradient-noise estimates the planner held when it made the plan, as <see cref="TrainingPlanner.Noise"/> read then.</summary>
    /// <value><see cref="GradientNoise.Unknown"/> until the planner has observed gradient statistics. Not part of the plan's equality: it is what the plan was made from, not what it plans.</value>
    public GradientNoise Noise { get; }

    /// <summary>Gets the factor a batch-size plateau had put on the batch-size policy when the plan was made; 1 without a plateau.</summary>
    internal double BatchMultiplier { get; }

    /// <summary>Gets each group's reduce-on-plateau factor in force when the plan was made; the planner replaces the array at each reduction and never changes one it gave out.</summary>
    internal double[]? PlateauFactors => _plateauFactors;

    /// <summary>Gets the number of parameter groups.</summary>
    public int GroupCount => _schedule?.GroupCount ?? 0;

    /// <summary>Gets a value indicating whether the schedule drives the momentum.</summary>
    public bool HasMomentum => _schedule?.HasMomentum ?? false;

    /// <summary>Gets the learning rate of the first parameter group.</summary>
    public double LearningRate => GetLearningRate(0);

    /// <summary>Returns the learning rate of a parameter group for this step: the scheduled rate times its plateau factor times <see cref="LearningRateFactor"/>.</summary>
    /// <param name="group">The group index.</param>
    /// <returns>The learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="group"/> is not a group index.</exception>
    public double GetLearningRate(int group) => Schedule.GetLearningRateAt(group, Progress, _position, _plateauFactors) * LearningRateFactor;

    /// <summary>Returns the momentum of a parameter group for this step.</summary>
    /// <param name="group">The group index.</param>
    /// <returns>The momentum.</returns>
    /// <exception cref="InvalidOperationException">The schedule does not drive the momentum.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="group"/> is not a group index.</exception>
    public double GetMomentum(int group) => Schedule.GetMomentumAt(group, Progress, _position);

    /// <summary>Gets the samples passed over at an epoch's end before this step's batch (<see cref="EpochBoundary.Drop"/>).</summary>
    internal long Skip { get; }

    private OptimizerSchedule Schedule => _schedule ?? throw new InvalidOperationException("This plan is empty; plans come from TrainingPlanner.Plan().");

    /// <inheritdoc />
    public bool Equals(StepPlan other)
    {
        if (Progress != other.Progress || Batch != other.Batch || DataOffset != other.DataOffset || IsEvaluationPoint != other.IsEvaluationPoint
            || IsLastStep != other.IsLastStep || GroupCount != other.GroupCount || HasMomentum != other.HasMomentum
            || !LearningRateFactor.Equals(other.LearningRateFactor))
        {
            return false;
        }

        for (int g = 0; g < GroupCount; g++)
        {
            if (!GetLearningRate(g).Equals(other.GetLearningRate(g)) || (HasMomentum && !GetMomentum(g).Equals(other.GetMomentum(g))))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StepPlan other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Progress, Batch, GroupCount > 0 ? GetLearningRate(0) : 0.0);

    /// <summary>Determines whether two plans are equal.</summary>
    /// <param name="left">The first plan.</param>
    /// <param name="right">The second plan.</param>
    /// <returns><see langword="true"/> when every value agrees.</returns>
    public static bool operator ==(StepPlan left, StepPlan right) => left.Equals(right);

    /// <summary>Determines whether two plans differ.</summary>
    /// <param name="left">The first plan.</param>
    /// <param name="right">The second plan.</param>
    /// <returns><see langword="true"/> when any value differs.</returns>
    public static bool operator !=(StepPlan left, StepPlan right) => !left.Equals(right);
}
