using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Schedules;

/// <summary>Holds what an optimizer needs at each step: a learning rate per parameter group, and a momentum per group where the schedule drives one.</summary>
/// <remarks>
/// Built from code, or from a JSON spec. The closed-form part is pure; only a reduce-on-plateau part has
/// state, reached through <see cref="Plateau"/> and advanced with <see cref="Report(double)"/>.
/// </remarks>
public sealed class OptimizerSchedule
{
    private readonly LearningRateSchedule[]? _learningRates;
    private readonly LearningRateSchedule[]? _momentum;

    /// <summary>Initializes a new instance of the <see cref="OptimizerSchedule"/> class from closed-form schedules.</summary>
    /// <param name="learningRates">One learning-rate schedule per parameter group; at least one.</param>
    /// <param name="momentum">One momentum schedule per parameter group, or <see langword="null"/> when momentum is not scheduled.</param>
    /// <exception cref="ArgumentException">A list is empty, holds <see langword="null"/>, or the two lists differ in length.</exception>
    public OptimizerSchedule(IReadOnlyList<LearningRateSchedule> learningRates, IReadOnlyList<LearningRateSchedule>? momentum = null)
    {
        _learningRates = Guard.NonEmptyCopy(learningRates, nameof(learningRates), "one schedule per parameter group");
        if (momentum is not null)
        {
            _momentum = Guard.NonEmptyCopy(momentum, nameof(momentum), "one schedule per parameter group");
            if (_momentum.Length != _learningRates.Length)
            {
                throw Guard.OutOfRange("momentum.Count", _momentum.Length, "equal to learningRates.Count, " + _learningRates.Length.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Initializes a new instance of the <see cref="OptimizerSchedule"/> class driven by a reduce-on-plateau schedule.</summary>
    /// <param name="plateau">The reactive schedule; it holds the learning rate of every group.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plateau"/> is <see langword="null"/>.</exception>
    public OptimizerSchedule(ReduceOnPlateau plateau)
    {
        Plateau = Guard.NotNull(plateau);
    }

    /// <summary>Gets the number of parameter groups.</summary>
    public int GroupCount => _learningRates?.Length ?? Plateau!.GroupCount;

    /// <summary>Gets a value indicating whether this schedule drives the momentum (or Adam's beta1).</summary>
    public bool HasMomentum => _momentum is not null;

    /// <summary>Gets the reactive part, or <see langword="null"/> when every value is closed-form.</summary>
    public ReduceOnPlateau? Plateau { get; }

    /// <summary>Gets the learning-rate schedule of each group, or <see langword="null"/> when <see cref="Plateau"/> drives the rates.</summary>
    public IReadOnlyList<LearningRateSchedule>? LearningRates => _learningRates;

    /// <summary>Gets the momentum schedule of each group, or <see langword="null"/> when momentum is not scheduled.</summary>
    public IReadOnlyList<LearningRateSchedule>? Momentum => _momentum;

    /// <summary>Returns the learning rate of a group at a point of training.</summary>
    /// <param name="group">The group index, from 0 to <see cref="GroupCount"/> - 1.</param>
    /// <param name="progress">The training progress; ignored by a reactive schedule, which answers its current rate.</param>
    /// <returns>The learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="group"/> is not a group index.</exception>
    public double GetLearningRate(int group, in TrainingProgress progress)
    {
        if (_learningRates is null)
        {
            return Plateau!.GetLearningRate(group);
        }

        CheckGroup(group);
        return _learningRates[group].Evaluate(progress);
    }

    /// <summary>Returns the momentum of a group at a point of training.</summary>
    /// <param name="group">The group index, from 0 to <see cref="GroupCount"/> - 1.</param>
    /// <param name="progress">The training progress.</param>
    /// <returns>The momentum.</returns>
    /// <exception cref="InvalidOperationException">This schedule does not drive the momentum.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="group"/> is not a group index.</exception>
    public double GetMomentum(int group, in TrainingProgress progress)
    {
        if (_momentum is null)
        {
            throw new InvalidOperationException("This schedule does not drive the momentum; check HasMomentum first.");
        }

        CheckGroup(group);
        return _momentum[group].Evaluate(progress);
    }

    /// <summary>Reports a value of the watched metric to the reactive part, if there is one.</summary>
    /// <param name="metric">The metric; finite.</param>
    /// <returns><see langword="true"/> when a learning rate was reduced; always <see langword="false"/> for a closed-form schedule, which ignores metrics.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is NaN or infinite; nothing changes.</exception>
    public bool Report(double metric)
    {
        if (Plateau is null)
        {
            Guard.Finite(metric);
            return false;
        }

        return Plateau.Report(metric);
    }

    /// <summary>The learning rate at an explicit position on the schedules' clock, or at <paramref name="progress"/> when the position is NaN.</summary>
    internal double GetLearningRateAt(int group, in TrainingProgress progress, double position)
    {
        if (_learningRates is null)
        {
            return Plateau!.GetLearningRate(group);
        }

        CheckGroup(group);
        LearningRateSchedule schedule = _learningRates[group];
        return double.IsNaN(position) ? schedule.Evaluate(progress) : schedule.EvaluateCore(position);
    }

    /// <summary>The momentum at an explicit position on the schedules' clock, or at <paramref name="progress"/> when the position is NaN.</summary>
    internal double GetMomentumAt(int group, in TrainingProgress progress, double position)
    {
        if (_momentum is null)
        {
            throw new InvalidOperationException("This schedule does not drive the momentum; check HasMomentum first.");
        }

        CheckGroup(group);
        LearningRateSchedule schedule = _momentum[group];
        return double.IsNaN(position) ? schedule.Evaluate(progress) : schedule.EvaluateCore(position);
    }

    /// <summary>Gets a value indicating whether every schedule runs on the steps clock.</summary>
    internal bool RunsOnSteps
    {
        get
        {
            foreach (LearningRateSchedule schedule in (IReadOnlyList<LearningRateSchedule>?)_learningRates ?? [])
            {
                if (schedule.Clock != ProgressClock.Steps)
                {
                    return false;
                }
            }

            foreach (LearningRateSchedule schedule in (IReadOnlyList<LearningRateSchedule>?)_momentum ?? [])
            {
                if (schedule.Clock != ProgressClock.Steps)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private void CheckGroup(int group)
    {
        if ((uint)group >= (uint)GroupCount)
        {
            throw Guard.OutOfRange(nameof(group), group, "from 0 to " + (GroupCount - 1).ToString(CultureInfo.InvariantCulture));
        }
    }
}
