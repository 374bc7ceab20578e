using System.Collections.Generic;
using BatchLr.Batching;
using BatchLr.Schedules;

namespace BatchLr.Cli.Tracing;

/// <summary>Runs the schedule or the training plan of a spec one optimizer step at a time: the rows of <c>batchlr schedule</c> and the points of <c>batchlr plot</c>.</summary>
/// <remarks>
/// With a <c>batch</c> section each step is the plan of a <see cref="TrainingPlanner"/> built from the spec, and consumes its whole
/// global batch. Without one, each step is one unit of the spec's clock: a planner whose steps take one sample, one token and a
/// one-sample epoch moves every clock together.
/// </remarks>
internal sealed class StepTrace
{
    private readonly TrainingPlanner _planner;
    private readonly int _steps;
    private readonly double[] _metrics;
    private readonly long _tokensPerSample;

    private StepTrace(TrainingPlanner planner, OptimizerSchedule schedule, bool isPlan, int steps, double[] metrics, long tokensPerSample)
    {
        _planner = planner;
        Schedule = schedule;
        IsPlan = isPlan;
        _steps = steps;
        _metrics = metrics;
        _tokensPerSample = tokensPerSample;
    }

    /// <summary>Gets the schedule the steps follow.</summary>
    public OptimizerSchedule Schedule { get; }

    /// <summary>Gets a value indicating whether the spec has a <c>batch</c> section, so the steps carry planned batches.</summary>
    public bool IsPlan { get; }

    /// <summary>Checks the inputs against the spec and builds what runs it.</summary>
    /// <exception cref="UsageException">An input the spec cannot use, or no <c>--steps</c> where it is needed.</exception>
    /// <exception cref="ScheduleSpecException">A value that needs the dataset size is refused.</exception>
    /// <exception cref="System.ArgumentException">The planner refuses the options (an epoch clock without the dataset size).</exception>
    public static StepTrace Start(ScheduleSpec spec, TraceInputs inputs)
    {
        if (inputs.DatasetSize is not null && !spec.HasBatch)
        {
            throw new UsageException("'--dataset-size' sets the epoch clock of a training plan; the spec has no \"batch\" section.");
        }

        if (inputs.TokensPerSample is not null && !spec.HasBatch)
        {
            throw new UsageException("'--tokens-per-sample' sets the tokens clock of a training plan; the spec has no \"batch\" section.");
        }

        if (spec.HasBatch)
        {
            TrainingPlannerOptions options = spec.BuildPlannerOptions(inputs.DatasetSize);
            if (inputs.Steps is null && options.Duration is null)
            {
                throw new UsageException("missing option '--steps N'; it may be left out only when the spec has a \"duration\" to print the plan to.");
            }

            var planner = new TrainingPlanner(options);
            _ = planner.Plan(); // a plan that cannot start fails here, before any output
            return new StepTrace(planner, options.Schedule!, isPlan: true, inputs.Steps ?? int.MaxValue, inputs.Metrics, inputs.TokensPerSample ?? 0);
        }

        OptimizerSchedule schedule = spec.Build();
        int steps = inputs.Steps ?? throw new UsageException("missing option '--steps N'.");
        var unit = new TrainingPlanner(new TrainingPlannerOptions { Schedule = schedule, BatchSize = BatchSizePolicy.Fixed(1), DatasetSize = 1 });
        return new StepTrace(unit, schedule, isPlan: false, steps, inputs.Metrics, tokensPerSample: 1);
    }

    /// <summary>Plans each step in turn; step <c>s</c> is yielded before it consumes its batch and before metric <c>s</c> is reported.</summary>
    /// <returns>The plans, up to the number of steps or, with a duration, to the step that ends training.</returns>
    /// <exception cref="System.OverflowException">The tokens consumed overflow.</exception>
    public IEnumerable<StepPlan> Steps()
    {
        for (int s = 0; s < _steps && !_planner.IsComplete; s++)
        {
            StepPlan plan = _planner.Plan();
            yield return plan;
            int batch = plan.Batch.GlobalBatchSize;
            _planner.Complete(new StepOutcome(batch) { Tokens = checked(batch * _tokensPerSample) });
            if (s < _metrics.Length)
            {
                _planner.Report(_metrics[s]);
            }
        }
    }
}
