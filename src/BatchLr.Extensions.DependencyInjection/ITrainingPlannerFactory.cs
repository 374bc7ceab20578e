namespace BatchLr;

/// <summary>Creates a fresh <see cref="TrainingPlanner"/> for each training run, from one plan registered with <c>AddBatchLr</c>.</summary>
/// <remarks>
/// <para>
/// A planner is stateful (the progress, the plateau factors, an adaptive batch policy's state), so the container holds this
/// factory, not a planner: each <see cref="Create"/> builds new planner options (a new schedule and batch policy) and a new
/// planner, which belongs to the run that asked for it. The default plan is the unkeyed service; a plan registered with a
/// name is the keyed service of that name (<c>[FromKeyedServices("main")]</c>, <c>GetRequiredKeyedService</c>).
/// </para>
/// <para>Implementations are thread-safe: runs may create planners concurrently.</para>
/// </remarks>
public interface ITrainingPlannerFactory
{
    /// <summary>Creates a planner for a new run, or one that resumes a saved run.</summary>
    /// <param name="datasetSize">The samples in one epoch, which an epoch clock, a position such as <c>"2ep"</c> and an <c>epoch_boundary</c> other than <c>continue</c> need; <see langword="null"/> when epochs are not tracked.</param>
    /// <param name="state">The state a planner of the same plan saved (<see cref="TrainingPlanner.State"/>), to resume from; <see langword="null"/> to start.</param>
    /// <returns>A new planner that no one else holds.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The plan's options break a rule, such as a spec that changed in configuration since start-up and no longer parses; the message names every broken rule.</exception>
    /// <exception cref="ScheduleSpecException">A value of the spec cannot be built with this <paramref name="datasetSize"/>, such as <c>"2ep"</c> without one.</exception>
    /// <exception cref="System.ArgumentException">The planner refuses the options or the state (<see cref="TrainingPlanner(TrainingPlannerOptions, TrainingPlannerState?)"/>).</exception>
    TrainingPlanner Create(long? datasetSize = null, TrainingPlannerState? state = null);
}
