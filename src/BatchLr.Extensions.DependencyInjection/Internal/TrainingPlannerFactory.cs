using Microsoft.Extensions.Options;

namespace BatchLr.Internal;

/// <summary>Builds a new planner for each run from the current, validated options of one plan.</summary>
/// <param name="name">The plan's name; <see cref="Options.DefaultName"/> for the default plan.</param>
/// <param name="plans">The plans' options, which follow configuration reloads.</param>
internal sealed class TrainingPlannerFactory(string name, IOptionsMonitor<BatchLrPlanOptions> plans) : ITrainingPlannerFactory
{
    public TrainingPlanner Create(long? datasetSize = null, TrainingPlannerState? state = null) =>
        new(PlanBuilder.Build(name, plans.Get(name), datasetSize), state);
}
