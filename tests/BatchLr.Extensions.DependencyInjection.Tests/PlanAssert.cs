using System.Collections.Generic;

namespace BatchLr.Extensions.DependencyInjection.Tests;

/// <summary>Runs planners side by side, so a planner from the container can be compared with one built from <see cref="ScheduleSpec"/>.</summary>
internal static class PlanAssert
{
    /// <summary>Plans and completes <paramref name="steps"/> steps, each consuming its whole batch.</summary>
    public static List<StepPlan> Run(TrainingPlanner planner, int steps)
    {
        var plans = new List<StepPlan>(steps);
        for (int i = 0; i < steps && !planner.IsComplete; i++)
        {
            StepPlan plan = planner.Plan();
            plans.Add(plan);
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
        }

        return plans;
    }

    /// <summary>Asserts that two planners plan the same steps: batches, rates, momentum, evaluation points.</summary>
    public static void SamePlans(TrainingPlanner actual, TrainingPlanner expected, int steps = 40)
    {
        List<StepPlan> a = Run(actual, steps);
        List<StepPlan> e = Run(expected, steps);
        a.Should().HaveCount(e.Count).And.NotBeEmpty();
        for (int i = 0; i < e.Count; i++)
        {
            a[i].Should().Be(e[i], "step {0} is planned the same way", i);
            a[i].LearningRate.Should().Be(e[i].LearningRate);
        }
    }
}
