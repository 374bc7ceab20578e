using System;
using Microsoft.Extensions.Logging;

namespace BatchLr.Logging;

/// <summary>Logs what changes between consecutive plans of a training loop: the batch size, and what a plateau did to the learning rate or the batch.</summary>
/// <remarks>
/// <para>
/// Call <see cref="Observe(in StepPlan)"/> with every plan the loop runs; each plan is compared with the one observed before it,
/// and each change is logged once, at <see cref="LogLevel.Information"/>, as the step of the plan that first has it:
/// </para>
/// <list type="table">
/// <listheader><term>Event id (name)</term><description>Logged when, with which values</description></listheader>
/// <item>
/// <term>1 (<c>BatchSizeChanged</c>)</term>
/// <description>The global batch size differs from the previous plan's, for any reason (a scheduled batch, an adaptive policy, a plateau, the end of the data): <c>Step</c>, <c>PreviousBatchSize</c>, <c>BatchSize</c>, <c>MicroBatchSize</c>, <c>AccumulationSteps</c>, <c>Replicas</c>.</description>
/// </item>
/// <item>
/// <term>2 (<c>LearningRateReducedOnPlateau</c>)</term>
/// <description>A group's reduce-on-plateau factor dropped (<see cref="Schedules.OptimizerSchedule.WithPlateau(Schedules.ReduceOnPlateauOptions)"/>), one event per group: <c>Step</c>, <c>Group</c>, <c>Factor</c> (the new factor over the old), <c>LearningRate</c> (the group's new planned rate).</description>
/// </item>
/// <item>
/// <term>3 (<c>BatchSizeChangedOnPlateau</c>)</term>
/// <description>A batch-size plateau (<see cref="Batching.BatchSizePolicy.OnPlateau"/>) changed its multiplier, even where the allowed sizes keep the batch: <c>Step</c>, <c>Direction</c> (<c>grew</c> or <c>shrank</c>), <c>PreviousMultiplier</c>, <c>Multiplier</c>, <c>PreviousBatchSize</c>, <c>BatchSize</c>. Event 1 comes with it when the size changed.</description>
/// </item>
/// </list>
/// <para>
/// The ids are stable; 1 to 99 belong to plans, and 100 and up are kept for the finders. The first plan observed, and a plan
/// whose group count differs from the previous one's, are only recorded. An observation where nothing changed, and any
/// observation while the logger has <see cref="LogLevel.Information"/> disabled, allocates nothing.
/// </para>
/// <para>An instance follows one sequence of plans and is not thread-safe.</para>
/// </remarks>
public sealed class PlanLogger
{
    private const string Grew = "grew";
    private const string Shrank = "shrank";

    private readonly ILogger _logger;
    private StepPlan _previous;
    private bool _hasPrevious;

    /// <summary>Initializes a new instance of the <see cref="PlanLogger"/> class.</summary>
    /// <param name="logger">The logger the events are written to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="logger"/> is <see langword="null"/>.</exception>
    public PlanLogger(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>Compares a plan with the one observed before it and logs each change.</summary>
    /// <param name="plan">The plan of the step about to run, from <see cref="TrainingPlanner.Plan"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="plan"/> is empty (<see langword="default"/>); nothing is recorded.</exception>
    public void Observe(in StepPlan plan)
    {
        if (plan.GroupCount == 0)
        {
            throw new ArgumentException("'plan' is empty (default(StepPlan)); it must be a plan returned by TrainingPlanner.Plan().", nameof(plan));
        }

        if (_hasPrevious && _previous.GroupCount == plan.GroupCount && _logger.IsEnabled(LogLevel.Information))
        {
            LogChanges(_previous, plan);
        }

        _previous = plan;
        _hasPrevious = true;
    }

    private void LogChanges(in StepPlan previous, in StepPlan plan)
    {
        long step = plan.Progress.Step;
        BatchPlan before = previous.Batch;
        BatchPlan after = plan.Batch;
        if (before.GlobalBatchSize != after.GlobalBatchSize)
        {
            PlanLog.BatchSizeChanged(_logger, step, before.GlobalBatchSize, after.GlobalBatchSize, after.MicroBatchSize, after.AccumulationSteps, after.Replicas);
        }

        if (!previous.BatchMultiplier.Equals(plan.BatchMultiplier))
        {
            // Stryker disable once Equality : the multipliers differ here, so > and >= pick the same direction
            string direction = plan.BatchMultiplier > previous.BatchMultiplier ? Grew : Shrank;
            PlanLog.BatchSizeChangedOnPlateau(_logger, step, direction, previous.BatchMultiplier, plan.BatchMultiplier, before.GlobalBatchSize, after.GlobalBatchSize);
        }

        // Only an empty plan, which Observe refuses, has no factors; the loop finds nothing in a plan the planner gave the same array.
        double[] old = previous.PlateauFactors!;
        double[] factors = plan.PlateauFactors!;
        for (int g = 0; g < factors.Length; g++)
        {
            if (factors[g] < old[g])
            {
                double rate = plan.GetLearningRate(g); // read only here: Observe has checked that the level is enabled
                PlanLog.LearningRateReduced(_logger, step, g, factors[g] / old[g], rate);
            }
        }
    }
}
