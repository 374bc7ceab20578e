using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Schedules;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp.Optimizers;

/// <summary>Applies BatchLr schedules to the parameter groups of a TorchSharp optimizer.</summary>
public static class OptimizerScheduleExtensions
{
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
        foreach (ILearningRateController group in optimizer.ParamGroups)
        {
            group.LearningRate = lr;
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
        var groups = new List<ILearningRateController>(optimizer.ParamGroups);
        if (groups.Count != schedules.Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"'schedules' has {schedules.Count} schedules; it must have one per parameter group, {groups.Count}."),
                nameof(schedules));
        }

        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].LearningRate = schedules[i].Evaluate(progress);
        }
    }
}
