using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Schedules;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>Applies BatchLr schedules to the parameter groups of a TorchSharp optimizer.</summary>
public static class OptimizerScheduleExtensions
{
    // Groups whose values are staged on the stack before any group changes; more use a heap buffer.
    private const int MaxStackGroups = 32;

    /// <summary>Sets the learning rate of every parameter group to the schedule's value at a point of training.</summary>
    /// <param name="optimizer">The optimizer whose groups are updated.</param>
    /// <param name="schedule">The schedule, read on its own clock.</param>
    /// <param name="progress">The training progress.</param>
    /// <returns>The learning rate that was set.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static double ApplyLearningRate(this Optimizer optimizer, LearningRateSchedule schedule, in TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        double lr = schedule.Evaluate(progress);
        IReadOnlyList<ILearningRateController> groups = ParamGroups.Of(optimizer);
        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].LearningRate = lr;
        }

        return lr;
    }

    /// <summary>Sets the learning rate of each parameter group from its own schedule.</summary>
    /// <param name="optimizer">The optimizer whose groups are updated.</param>
    /// <param name="schedules">One schedule per parameter group, in the optimizer's group order.</param>
    /// <param name="progress">The training progress.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The number of schedules differs from the number of groups; nothing is changed.</exception>
    public static void ApplyLearningRates(this Optimizer optimizer, IReadOnlyList<LearningRateSchedule> schedules, in TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedules);
        IReadOnlyList<ILearningRateController> groups = ParamGroups.Of(optimizer);
        CheckGroupCount(groups.Count, schedules.Count, nameof(schedules));

        int count = groups.Count;
        Span<double> rates = count <= MaxStackGroups ? stackalloc double[count] : new double[count];
        for (int i = 0; i < count; i++)
        {
            LearningRateSchedule schedule = schedules[i] ?? throw new ArgumentNullException(nameof(schedules), string.Create(CultureInfo.InvariantCulture, $"'schedules[{i}]' is null; every parameter group needs a schedule. No group was changed."));
            rates[i] = schedule.Evaluate(progress);
        }

        for (int i = 0; i < count; i++)
        {
            groups[i].LearningRate = rates[i];
        }
    }

    /// <summary>Sets each parameter group's learning rate, and its momentum where the schedule drives one, at a point of training.</summary>
    /// <param name="optimizer">The optimizer whose groups are updated.</param>
    /// <param name="schedule">One learning rate (and optionally one momentum) per parameter group, in the optimizer's group order.</param>
    /// <param name="progress">The training progress.</param>
    /// <remarks>
    /// <para>
    /// Where <see cref="OptimizerSchedule.HasMomentum"/> is <see langword="true"/>, a group that has a momentum
    /// (<c>SGD</c>, <c>RMSProp</c>: <see cref="IMomentum"/>) gets it set; a group that has betas (<c>Adam</c>, <c>AdamW</c>,
    /// <c>Adamax</c>, <c>NAdam</c>, <c>RAdam</c>: <see cref="IBetas"/>) gets beta1 set and keeps its beta2, as in PyTorch's
    /// <c>OneCycleLR</c> and <c>CyclicLR</c>.
    /// </para>
    /// <para>
    /// Every check runs and every value is computed before the first group changes, so a call that throws leaves the
    /// optimizer as it was. With up to 32 groups a call allocates nothing.
    /// </para>
    /// <para>
    /// A schedule with a reduce-on-plateau part (<see cref="OptimizerSchedule.HasPlateau"/>) describes the reduction but holds
    /// no state: this sets the rates before any reduction. Run such a schedule through a <see cref="TrainingPlanner"/>, which
    /// keeps the reductions, and apply its plans with <see cref="Apply(Optimizer, in StepPlan)"/>.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The schedule's group count differs from the optimizer's; nothing is changed.</exception>
    /// <exception cref="InvalidOperationException">The schedule drives momentum, and a group has neither a momentum nor betas; nothing is changed.</exception>
    public static void Apply(this Optimizer optimizer, OptimizerSchedule schedule, in TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedule);
        ApplyCore(optimizer, new ScheduleValues(schedule, progress), nameof(schedule));
    }

    /// <summary>Sets each parameter group's learning rate, and its momentum or beta1 where the plan drives one, from a planned step.</summary>
    /// <param name="optimizer">The optimizer whose groups are updated.</param>
    /// <param name="plan">The step's plan from <see cref="TrainingPlanner.Plan"/>; its learning rates include the batch-size scaling factor.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The plan's group count differs from the optimizer's; no group is changed.</exception>
    /// <exception cref="InvalidOperationException">The plan drives momentum and a group has neither momentum nor betas; no group is changed.</exception>
    public static void Apply(this Optimizer optimizer, in StepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ApplyCore(optimizer, new PlanValues(plan), nameof(plan));
    }

    private static void ApplyCore<TValues>(Optimizer optimizer, TValues source, string name)
        where TValues : struct, IGroupValues
    {
        IReadOnlyList<ILearningRateController> groups = ParamGroups.Of(optimizer);
        int count = groups.Count;
        CheckGroupCount(count, source.GroupCount, name);
        bool momentum = source.HasMomentum;
        if (momentum)
        {
            for (int i = 0; i < count; i++)
            {
                if (groups[i] is not (IMomentum or IBetas))
                {
                    throw new InvalidOperationException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The schedule drives momentum, but parameter group {i} of the {optimizer.GetType().Name} optimizer has neither a momentum nor betas; use an optimizer with momentum (SGD, RMSProp) or betas (Adam, AdamW, ...), or a schedule without momentum. No group was changed."));
                }
            }
        }

        int length = momentum ? 2 * count : count;
        Span<double> values = count <= MaxStackGroups ? stackalloc double[length] : new double[length];
        for (int i = 0; i < count; i++)
        {
            values[i] = source.GetLearningRate(i);
            if (momentum)
            {
                values[count + i] = source.GetMomentum(i);
            }
        }

        for (int i = 0; i < count; i++)
        {
            ILearningRateController group = groups[i];
            group.LearningRate = values[i];
            if (momentum)
            {
                SetMomentum(group, values[count + i]);
            }
        }
    }

    private static void SetMomentum(ILearningRateController group, double value)
    {
        if (group is IMomentum withMomentum)
        {
            withMomentum.Momentum = value;
        }
        else
        {
            var withBetas = (IBetas)group;
            withBetas.Betas = (value, withBetas.Betas.Item2);
        }
    }

    private static void CheckGroupCount(int groups, int given, string name)
    {
        if (given != groups)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"'{name}' has {given} parameter groups; it must have one per parameter group of the optimizer, {groups}. No group was changed."),
                name);
        }
    }

    /// <summary>Reads the values of each parameter group from a schedule or a plan, without allocating.</summary>
    private interface IGroupValues
    {
        int GroupCount { get; }

        bool HasMomentum { get; }

        double GetLearningRate(int group);

        double GetMomentum(int group);
    }

    private readonly struct ScheduleValues(OptimizerSchedule schedule, TrainingProgress progress) : IGroupValues
    {
        public int GroupCount => schedule.GroupCount;

        public bool HasMomentum => schedule.HasMomentum;

        public double GetLearningRate(int group) => schedule.GetLearningRate(group, progress);

        public double GetMomentum(int group) => schedule.GetMomentum(group, progress);
    }

    private readonly struct PlanValues(StepPlan plan) : IGroupValues
    {
        public int GroupCount => plan.GroupCount;

        public bool HasMomentum => plan.HasMomentum;

        public double GetLearningRate(int group) => plan.GetLearningRate(group);

        public double GetMomentum(int group) => plan.GetMomentum(group);
    }
}
