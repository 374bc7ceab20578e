using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Schedules;
using static TorchSharp.torch.optim;
using static TorchSharp.torch.optim.lr_scheduler;

namespace BatchLr.TorchSharp;

/// <summary>Runs a BatchLr schedule as a TorchSharp learning-rate scheduler, so a loop written with <c>scheduler.step()</c> keeps working.</summary>
/// <remarks>
/// <para>
/// The scheduler follows PyTorch's convention for <c>last_epoch</c>: the constructor applies position 0 (PyTorch's schedulers
/// call <c>step()</c> when built), each <see cref="step(int?)"/> without an epoch advances the position by one, and
/// <c>step(epoch)</c> jumps to <c>epoch</c>. At position <c>n</c> every parameter group gets the schedule's values at
/// <c>TrainingProgress.AtStep(n)</c>: its learning rate, and its momentum (SGD, RMSProp) or beta1 (the Adam family) where the
/// schedule drives momentum, exactly as <see cref="OptimizerScheduleExtensions.Apply(Optimizer, OptimizerSchedule, in TrainingProgress)"/>
/// sets them.
/// </para>
/// <para>
/// Unlike PyTorch's chainable schedulers, the values are the closed form at the position, never the last rate times a factor:
/// they do not drift, and <c>step(epoch)</c> reaches any position at once, which is how a resumed run continues.
/// The position counts <c>step()</c> calls, whatever the loop calls them for (each batch or each epoch), so the schedule must run
/// on the <see cref="ProgressClock.Steps"/> clock. A schedule on another clock, or one that reduces on plateau, needs what only a
/// <see cref="TrainingPlanner"/> knows; run it there and apply each plan with
/// <see cref="OptimizerScheduleExtensions.Apply(Optimizer, in StepPlan)"/>.
/// </para>
/// <para>
/// A <c>step</c> that throws leaves the optimizer, the position and <see cref="LRScheduler.get_last_lr"/> as they were.
/// The metric of <c>step(double, int?)</c> is ignored, as by every PyTorch scheduler but ReduceLROnPlateau.
/// </para>
/// </remarks>
public sealed class OptimizerScheduleLR : LRScheduler
{
    private readonly Optimizer _optimizer;
    private readonly double[] _rates;
    private int _position = -1;

    /// <summary>Initializes a new instance of the <see cref="OptimizerScheduleLR"/> class that drives each parameter group from its own schedule, and applies position 0.</summary>
    /// <param name="optimizer">The optimizer whose parameter groups are driven.</param>
    /// <param name="schedule">One learning rate, and optionally one momentum, per parameter group in the optimizer's group order; every schedule on the <see cref="ProgressClock.Steps"/> clock, and no reduce-on-plateau part.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> or <paramref name="schedule"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="schedule"/> reduces on plateau (<see cref="OptimizerSchedule.HasPlateau"/>), reads a clock other than steps,
    /// has another number of groups than the optimizer, or drives momentum while a group has neither a momentum nor betas.
    /// The optimizer is not changed.
    /// </exception>
    public OptimizerScheduleLR(Optimizer optimizer, OptimizerSchedule schedule)
        : base(Check(optimizer, schedule))
    {
        _optimizer = optimizer;
        Schedule = schedule;
        _rates = new double[schedule.GroupCount];
        step();
    }

    /// <summary>Initializes a new instance of the <see cref="OptimizerScheduleLR"/> class that sets every parameter group's learning rate from one schedule, and applies position 0.</summary>
    /// <param name="optimizer">The optimizer whose parameter groups are driven.</param>
    /// <param name="learningRate">The learning-rate schedule of every group, on the <see cref="ProgressClock.Steps"/> clock. The groups' momentum is left alone.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> or <paramref name="learningRate"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="learningRate"/> runs on a clock other than steps; the optimizer is not changed.</exception>
    public OptimizerScheduleLR(Optimizer optimizer, LearningRateSchedule learningRate)
        : this(optimizer, ForEveryGroup(optimizer, learningRate))
    {
    }

    /// <summary>Gets the schedule that drives the optimizer.</summary>
    public OptimizerSchedule Schedule { get; }

    /// <summary>Gets the position last applied: PyTorch's <c>last_epoch</c>.</summary>
    /// <value>0 after construction, one more after each <c>step()</c>, and <c>epoch</c> after <c>step(epoch)</c>.</value>
    public int LastEpoch => _position;

    /// <summary>Applies the next position, or a given one, to every parameter group.</summary>
    /// <param name="epoch">The position to apply; zero or more. <see langword="null"/> (what <c>step()</c> passes) applies the position after <see cref="LastEpoch"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative; nothing is changed.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="epoch"/> is <see langword="null"/> and <see cref="LastEpoch"/> is <see cref="int.MaxValue"/>; nothing is changed.</exception>
    /// <exception cref="ArgumentException">The optimizer's group count has changed since construction; nothing is changed.</exception>
    public override void step(int? epoch)
    {
        int position;
        if (epoch is { } given)
        {
            if (given < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(epoch), given, string.Create(CultureInfo.InvariantCulture, $"'epoch' is {given}; it must be zero or more, a position of the schedule."));
            }

            position = given;
        }
        else
        {
            if (_position == int.MaxValue)
            {
                throw new InvalidOperationException("The scheduler is at position int.MaxValue, the last one LRScheduler can count; step() cannot advance it. Nothing was changed.");
            }

            position = _position + 1;
        }

        // Every check and every value runs before the first group changes; then the base records the step and get_last_lr().
        _optimizer.Apply(Schedule, TrainingProgress.AtStep(position));
        _position = position;
        IReadOnlyList<ILearningRateController> groups = ParamGroups.Of(_optimizer);
        for (int i = 0; i < _rates.Length; i++)
        {
            _rates[i] = groups[i].LearningRate;
        }

        base.step(epoch);
    }

    /// <summary>Returns the learning rates just applied, one per parameter group, for the base class to record.</summary>
    /// <returns>The learning rate of each group at <see cref="LastEpoch"/>.</returns>
    protected override IEnumerable<double> get_lr() => _rates;

    private static Optimizer Check(Optimizer optimizer, OptimizerSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.HasPlateau)
        {
            throw new ArgumentException(
                "'schedule' reduces on plateau (HasPlateau is true); a scheduler that counts step() calls holds no plateau state, so it cannot run it. "
                + "Run the schedule through a TrainingPlanner, which keeps the reductions, and apply each step's plan with optimizer.Apply(plan).",
                nameof(schedule));
        }

        foreach (ProgressClock clock in (ReadOnlySpan<ProgressClock>)[ProgressClock.Samples, ProgressClock.Tokens, ProgressClock.Epochs])
        {
            if (schedule.Reads(clock))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"'schedule' reads the {clock} clock; it must run on the Steps clock only, since the scheduler's position counts step() calls. ")
                    + "Run it through a TrainingPlanner, which counts samples, tokens and epochs, and apply each step's plan with optimizer.Apply(plan), or call optimizer.Apply(schedule, progress) with the full progress.",
                    nameof(schedule));
            }
        }

        IReadOnlyList<ILearningRateController> groups = ParamGroups.Of(optimizer);
        if (schedule.GroupCount != groups.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"'schedule' has {schedule.GroupCount} parameter groups; it must have one per parameter group of the optimizer, {groups.Count}."),
                nameof(schedule));
        }

        if (schedule.HasMomentum)
        {
            for (int i = 0; i < groups.Count; i++)
            {
                if (groups[i] is not (IMomentum or IBetas))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"'schedule' drives momentum, but parameter group {i} of the {optimizer.GetType().Name} optimizer has neither a momentum nor betas; use an optimizer with momentum (SGD, RMSProp) or betas (Adam, AdamW, ...), or a schedule without momentum."),
                        nameof(schedule));
                }
            }
        }

        return optimizer;
    }

    private static OptimizerSchedule ForEveryGroup(Optimizer optimizer, LearningRateSchedule learningRate)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(learningRate);
        if (learningRate.Clock != ProgressClock.Steps)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"'learningRate' runs on the {learningRate.Clock} clock; it must run on the Steps clock, since the scheduler's position counts step() calls. ")
                + "Run it through a TrainingPlanner and apply each step's plan with optimizer.Apply(plan), or call optimizer.ApplyLearningRate(schedule, progress) with the full progress.",
                nameof(learningRate));
        }

        var schedules = new LearningRateSchedule[ParamGroups.Of(optimizer).Count];
        Array.Fill(schedules, learningRate);
        return new OptimizerSchedule(schedules);
    }
}
