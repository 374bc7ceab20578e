using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Telemetry;

public sealed class PlannerMetricsTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Plan, object? Group)> _seen = new();
    private readonly string _plan = "metrics-test-" + Guid.NewGuid().ToString("N");

    public PlannerMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "BatchLr")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? plan = null;
        object? group = null;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == "batchlr.plan")
            {
                plan = tag.Value as string;
            }
            else if (tag.Key == "batchlr.group")
            {
                group = tag.Value;
            }
        }

        // Other tests' planners run at the same time: keep only this test's plan.
        if (plan == _plan)
        {
            _seen.Enqueue((instrument.Name, value, plan, group));
        }
    }

    private double[] Values(string instrument) => _seen.Where(m => m.Instrument == instrument).Select(m => m.Value).ToArray();

    [Fact]
    public void Planner_RecordsItsStepsBatchesRatesAndReactions_OnTheBatchLrMeter()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Name = _plan,
            Schedule = new OptimizerSchedule([Schedule.Constant(0.4), Schedule.Constant(0.2)]).WithPlateau(new ReduceOnPlateauOptions { Patience = 0, Factor = 0.5 }),
            BatchSize = BatchSizePolicy.OnPlateau(BatchSizePolicy.Steps([2.0], [8, 12]), new PlateauBatchSizeOptions { Patience = 0, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 1 }),
            MaxMicroBatchSize = 5,
        });

        // Steps 0, 1 at batch 8, step 2 at 12. Each loss of 1 after the first stalls (window 1, patience 0): the batch factor
        // doubles after steps 1 and 2, so step 2 runs 12 · 2 = 24. Reports 1 then 1 after step 2: the second halves the rates.
        for (int step = 0; step < 3; step++)
        {
            StepPlan plan = planner.Plan();
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Loss = 1.0 });
        }

        planner.Report(1.0);
        planner.Report(1.0);
        planner.Plan();
        planner.ReportOutOfMemory();

        Values("batchlr.steps").Should().Equal(1, 1, 1);
        Values("batchlr.samples").Should().Equal(8, 8, 24);
        Values("batchlr.batch_size").Should().Equal(8, 8, 24);
        Values("batchlr.micro_batch_size").Should().Equal(4, 4, 5);
        Values("batchlr.accumulation_steps").Should().Equal(2, 2, 5);
        Values("batchlr.batch_size.changes").Should().Equal(1);
        Values("batchlr.plateau.batch_changes").Should().Equal(1, 1);
        Values("batchlr.plateau.reductions").Should().Equal(1);
        Values("batchlr.out_of_memory.recoveries").Should().Equal(1);
        _seen.Where(m => m.Instrument == "batchlr.learning_rate").Select(m => (m.Value, m.Group)).Should().Equal((0.4, 0), (0.2, 1), (0.4, 0), (0.2, 1), (0.4, 0), (0.2, 1));
    }

    [Fact]
    public void SkipStep_IsCountedAsSkipped_NotAsAStep()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Name = _plan,
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = BatchSizePolicy.Fixed(8),
        });

        planner.Complete(new StepOutcome(planner.Plan().Batch.GlobalBatchSize));
        planner.Plan();
        planner.SkipStep();

        Values("batchlr.steps").Should().Equal(1);
        Values("batchlr.samples").Should().Equal(8);
        Values("batchlr.steps.skipped").Should().Equal(1);
    }
}
