using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Schedules;

/// <summary>Holds what an optimizer needs at each step: a learning rate per parameter group, a momentum per group where the schedule drives one, and optionally a reduction when a watched metric stalls.</summary>
/// <remarks>
/// <para>
/// The closed-form part is pure: <see cref="GetLearningRate(int, in TrainingProgress)"/> answers any point of training.
/// A reduce-on-plateau part (<see cref="WithPlateau(ReduceOnPlateauOptions)"/>, or the constant rates of PyTorch's
/// ReduceLROnPlateau) is only described here: it has state, which the <see cref="TrainingPlanner"/> that runs this schedule
/// creates, keeps and saves, so one schedule can serve any number of planners. The rate of group <c>g</c> a planner plans is
/// <c>schedule_g(t) · m_g</c>, where the factor <c>m_g</c> starts at 1 and is multiplied by
/// <see cref="ReduceOnPlateauOptions.Factor"/> at each plateau, never below <see cref="ReduceOnPlateauOptions.MinLearningRates"/>.
/// </para>
/// <para>
/// Thread safety: instances are immutable. One schedule may be read from any number of threads and shared by any number of
/// planners, on any threads: the plateau state lives in each planner, so each plans what it would plan alone.
/// </para>
/// </remarks>
public sealed class OptimizerSchedule
{
    private readonly LearningRateSchedule[] _learningRates;
    private readonly LearningRateSchedule[]? _momentum;
    private readonly ReduceOnPlateauOptions? _plateau;
    private readonly double[] _initialFactors;

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

        _initialFactors = Ones(_learningRates.Length);
    }

    private OptimizerSchedule(LearningRateSchedule[] learningRates, LearningRateSchedule[]? momentum, ReduceOnPlateauOptions plateau, double[] initialFactors)
    {
        _learningRates = learningRates;
        _momentum = momentum;
        _initialFactors = initialFactors;
        _plateau = plateau;
    }

    /// <summary>Gets the number of parameter groups.</summary>
    public int GroupCount => _learningRates.Length;

    /// <summary>Gets a value indicating whether this schedule drives the momentum (or Adam's beta1).</summary>
    public bool HasMomentum => _momentum is not null;

    /// <summary>Gets a value indicating whether a reduce-on-plateau part reacts to a watched metric.</summary>
    public bool HasPlateau => _plateau is not null;

    /// <summary>Gets the clock the schedules read; the one of the first group's learning-rate schedule.</summary>
    internal ProgressClock Clock => _learningRates[0].Clock;

    /// <summary>Gets the learning-rate schedules, one per group (constant 1 for the constant rates of PyTorch's ReduceLROnPlateau).</summary>
    internal IReadOnlyList<LearningRateSchedule> LearningRates => _learningRates;

    /// <summary>Gets the momentum schedules, or <see langword="null"/>.</summary>
    internal IReadOnlyList<LearningRateSchedule>? Momentum => _momentum;

    /// <summary>Gets the reduction rules, or <see langword="null"/>; the instance is private to this schedule.</summary>
    internal ReduceOnPlateauOptions? Plateau => _plateau;

    /// <summary>Gets a bound of every learning rate this schedule gives before scaling: the largest group's schedule magnitude times its initial factor (reductions only lower it).</summary>
    /// <value>Positive infinity when a schedule's magnitude is not known.</value>
    internal double PeakLearningRate
    {
        get
        {
            double peak = 0;
            for (int g = 0; g < _learningRates.Length; g++)
            {
                peak = Math.Max(peak, _learningRates[g].Peak * _initialFactors[g]);
            }

            return peak;
        }
    }

    /// <summary>Gets the factor of each group before any reduction: 1 on top of a schedule, the learning rate itself for constant rates.</summary>
    internal IReadOnlyList<double> InitialFactors => _initialFactors;

    /// <summary>Creates the schedule of PyTorch's ReduceLROnPlateau: constant learning rates, reduced each time a watched metric stalls.</summary>
    /// <param name="plateau">The reduction rules; checked once and copied. <see cref="ReduceOnPlateauOptions.MinLearningRates"/> are learning rates.</param>
    /// <param name="learningRates">The starting learning rate of each parameter group; at least one, each finite and zero or more.</param>
    /// <returns>The schedule. The rates a planner plans are PyTorch's to the last bit: <c>lr ← max(lr · factor, min_lr)</c> at each plateau, skipped where the change is not more than <c>eps</c>.</returns>
    /// <exception cref="ArgumentException">An option or a rate breaks its rule; the message lists every broken option rule.</exception>
    public static OptimizerSchedule ConstantWithPlateau(ReduceOnPlateauOptions plateau, IReadOnlyList<double> learningRates)
    {
        Guard.NotNull(plateau);
        Guard.NotNull(learningRates);
        _ = new ReduceOnPlateau(plateau, learningRates); // checks the options and the rates, naming each

        // The base is 1 and the factor is the rate, so the reductions are PyTorch's products, bit for bit.
        var ones = new LearningRateSchedule[learningRates.Count];
        Array.Fill(ones, Schedule.Constant(1.0));
        return new OptimizerSchedule(ones, null, Copy(plateau), [.. learningRates]);
    }

    /// <summary>Returns the same schedules with a reduction on top: each group's learning rate is multiplied by a factor that starts at 1 and shrinks by <see cref="ReduceOnPlateauOptions.Factor"/> each time the watched metric stalls.</summary>
    /// <param name="plateau">The reduction rules; checked once and copied. <see cref="ReduceOnPlateauOptions.MinLearningRates"/> and <see cref="ReduceOnPlateauOptions.Eps"/> apply to the factor.</param>
    /// <returns>A new schedule; this one is unchanged. Until the first reduction a planner plans exactly this schedule's values.</returns>
    /// <exception cref="ArgumentException">An option breaks its rule; the message lists every broken rule.</exception>
    /// <exception cref="InvalidOperationException">This schedule already has a reduce-on-plateau part.</exception>
    public OptimizerSchedule WithPlateau(ReduceOnPlateauOptions plateau)
    {
        Guard.NotNull(plateau);
        if (_plateau is not null)
        {
            throw new InvalidOperationException("This schedule already reduces on plateau; a schedule takes one reduce-on-plateau part.");
        }

        _ = new ReduceOnPlateau(plateau, _initialFactors);
        return new OptimizerSchedule(_learningRates, _momentum, Copy(plateau), _initialFactors);
    }

    /// <summary>Returns the learning rate of a group at a point of training, before any reduction on plateau.</summary>
    /// <param name="group">The group index, from 0 to <see cref="GroupCount"/> - 1.</param>
    /// <param name="progress">The training progress.</param>
    /// <returns>The learning rate; a <see cref="TrainingPlanner"/> multiplies it by the group's plateau factor and the batch-size scaling.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="group"/> is not a group index.</exception>
    public double GetLearningRate(int group, in TrainingProgress progress)
    {
        CheckGroup(group);
        return _learningRates[group].Evaluate(progress) * _initialFactors[group];
    }

    /// <summary>Returns the momentum of a group at a point of training.</summary>
    /// <param name="group">The group index, from 0 to <see cref="GroupCount"/> - 1.</param>
    /// <param name="progress">The training progress.</param>
    /// <returns>The momentum.</returns>
    /// <exception cref="InvalidOperationException">This schedule does not drive the momentum.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="group"/> is not a group index.</exception>
    public double GetMomentum(int group, in TrainingProgress progress)
    {
        CheckMomentum();
        CheckGroup(group);
        return _momentum![group].Evaluate(progress);
    }

    /// <summary>Returns the learning rate of a group at a position on the clock its schedule reads, before any reduction on plateau.</summary>
    /// <param name="group">The group index, from 0 to <see cref="GroupCount"/> - 1.</param>
    /// <param name="position">The position on the schedule's <see cref="LearningRateSchedule.Clock"/>; finite and zero or more, and may be fractional on any clock, as PyTorch's <c>CosineAnnealingWarmRestarts.step(epoch)</c> takes fractional epochs.</param>
    /// <returns>The learning rate; at a whole position, the one <see cref="GetLearningRate(int, in TrainingProgress)"/> returns for progress that stands there on that clock.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="group"/> is not a group index, or <paramref name="position"/> is negative, NaN or infinite.</exception>
    public double GetLearningRateAt(int group, double position)
    {
        CheckGroup(group);
        return _learningRates[group].Evaluate(position) * _initialFactors[group];
    }

    /// <summary>Returns the momentum of a group at a position on the clock its schedule reads.</summary>
    /// <param name="group">The group index, from 0 to <see cref="GroupCount"/> - 1.</param>
    /// <param name="position">The position on the momentum schedule's <see cref="LearningRateSchedule.Clock"/>; finite and zero or more, and may be fractional.</param>
    /// <returns>The momentum.</returns>
    /// <exception cref="InvalidOperationException">This schedule does not drive the momentum.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="group"/> is not a group index, or <paramref name="position"/> is negative, NaN or infinite.</exception>
    public double GetMomentumAt(int group, double position)
    {
        CheckMomentum();
        CheckGroup(group);
        return _momentum![group].Evaluate(position);
    }

    /// <summary>Creates the state of the reduce-on-plateau part, at the start of training.</summary>
    internal ReduceOnPlateau? CreatePlateau() => _plateau is null ? null : new ReduceOnPlateau(_plateau, _initialFactors);

    /// <summary>The learning rate at an explicit position on the schedules' clock (or at <paramref name="progress"/> when the position is NaN), times the group's plateau factor.</summary>
    internal double GetLearningRateAt(int group, in TrainingProgress progress, double position, double[] factors)
    {
        CheckGroup(group);
        LearningRateSchedule schedule = _learningRates[group];
        return (double.IsNaN(position) ? schedule.Evaluate(progress) : schedule.EvaluateCore(position)) * factors[group];
    }

    /// <summary>The momentum at an explicit position on the schedules' clock, or at <paramref name="progress"/> when the position is NaN.</summary>
    internal double GetMomentumAt(int group, in TrainingProgress progress, double position)
    {
        CheckMomentum();
        CheckGroup(group);
        LearningRateSchedule schedule = _momentum![group];
        return double.IsNaN(position) ? schedule.Evaluate(progress) : schedule.EvaluateCore(position);
    }

    /// <summary>Returns whether any learning-rate or momentum schedule runs on a clock.</summary>
    /// <param name="clock">The clock.</param>
    /// <returns>
    /// <see langword="true"/> when the <see cref="LearningRateSchedule.Clock"/> of at least one group's learning-rate or momentum
    /// schedule is <paramref name="clock"/>; a caller that knows only some clocks (a scheduler that counts steps) checks with it
    /// that the schedule needs no other.
    /// </returns>
    public bool Reads(ProgressClock clock)
    {
        foreach (LearningRateSchedule schedule in _learningRates)
        {
            if (schedule.Clock == clock)
            {
                return true;
            }
        }

        foreach (LearningRateSchedule schedule in (IReadOnlyList<LearningRateSchedule>?)_momentum ?? [])
        {
            if (schedule.Clock == clock)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gets a value indicating whether every schedule runs on the steps clock.</summary>
    internal bool RunsOnSteps => !Reads(ProgressClock.Samples) && !Reads(ProgressClock.Tokens) && !Reads(ProgressClock.Epochs);

    private static double[] Ones(int count)
    {
        var ones = new double[count];
        Array.Fill(ones, 1.0);
        return ones;
    }

    private static ReduceOnPlateauOptions Copy(ReduceOnPlateauOptions options) =>
        options.CopyTo(new ReduceOnPlateauOptions { Factor = options.Factor, MinLearningRates = [.. options.MinLearningRates], Eps = options.Eps });

    private void CheckMomentum()
    {
        if (_momentum is null)
        {
            throw new InvalidOperationException("This schedule does not drive the momentum; check HasMomentum first.");
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
