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

    public void Dispose() => _listener.Dispose();

    /// <summary>Starts listening to the BatchLr instruments, or only to the one named; the tests that listen are in this class, so they never run at the same time.</summary>
    private void Listen(string? only = null)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "BatchLr" && (only is null || instrument.Name == only))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

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
        Listen();
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
        Listen();
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

    [Theory]
    [InlineData("batchlr.steps", new[] { 1.0, 1, 1, 1 })]
    [InlineData("batchlr.samples", new[] { 8.0, 16, 32, 32 })]
    [InlineData("batchlr.batch_size", new[] { 8.0, 16, 32, 32 })]
    [InlineData("batchlr.micro_batch_size", new[] { 8.0, 8, 8, 8 })]
    [InlineData("batchlr.accumulation_steps", new[] { 1.0, 2, 4, 4 })]
    [InlineData("batchlr.batch_size.changes", new[] { 1.0, 1 })]
    [InlineData("batchlr.learning_rate", new[] { 0.4, 0.4, 0.4, 0.4 })]
    public void Planner_OnlyOneInstrumentListenedTo_RecordsIt(string instrument, double[] expected)
    {
        // Batches 8, 16, 32, 32 (milestones at steps 1 and 2), each split into micro-batches of at most 8: 1, 2, 4 and 4 of
        // them. The batch changes at steps 1 and 2, not at step 0, which has no step before it, nor at step 3.
        Listen(only: instrument);
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Name = _plan,
            Schedule = new OptimizerSchedule([Schedule.Constant(0.4)]),
            BatchSize = BatchSizePolicy.Steps([1.0, 2.0], [8, 16, 32]),
            MaxMicroBatchSize = 8,
        });

        for (int step = 0; step < 4; step++)
        {
            planner.Complete(new StepOutcome(planner.Plan().Batch.GlobalBatchSize));
        }

        _seen.Select(m => m.Instrument).Should().AllBe(instrument);
        Values(instrument).Should().Equal(expected);
    }

    [Fact]
    public void Meter_PublishesEachInstrumentWithItsNameUnitAndDescription()
    {
        // The names, units (UCUM annotations, as OpenTelemetry's conventions write counts) and descriptions are what
        // dashboards and exporters see: a change to any of them breaks a user's queries.
        var published = new ConcurrentQueue<(string Name, Type Type, string? Unit, string? Description)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "BatchLr")
                {
                    published.Enqueue((instrument.Name, instrument.GetType(), instrument.Unit, instrument.Description));
                }
            },
        };
        _ = BatchLr.Telemetry.PlannerMetrics.Steps; // creates the instruments, if no test has yet
        listener.Start();

        published.Should().BeEquivalentTo(new (string, Type, string?, string?)[]
        {
            ("batchlr.steps", typeof(Counter<long>), "{step}", "Optimizer steps completed."),
            ("batchlr.samples", typeof(Counter<long>), "{sample}", "Samples the completed steps consumed."),
            ("batchlr.learning_rate", typeof(Histogram<double>), null, "The learning rate each completed step ran with, per parameter group (tag batchlr.group)."),
            ("batchlr.batch_size", typeof(Histogram<int>), "{sample}", "The global batch of each completed step."),
            ("batchlr.micro_batch_size", typeof(Histogram<int>), "{sample}", "The micro-batch of each completed step, per replica."),
            ("batchlr.accumulation_steps", typeof(Histogram<int>), "{micro-batch}", "The micro-batches each completed step accumulated, per replica."),
            ("batchlr.batch_size.changes", typeof(Counter<long>), "{change}", "Steps whose global batch differs from the step before."),
            ("batchlr.plateau.reductions", typeof(Counter<long>), "{reduction}", "Reports that lowered a reduce-on-plateau learning-rate factor."),
            ("batchlr.plateau.batch_changes", typeof(Counter<long>), "{change}", "Reports or losses that changed a batch-size plateau factor."),
            ("batchlr.steps.skipped", typeof(Counter<long>), "{step}", "Planned steps whose update was skipped because their loss or gradient was not finite; their samples are passed over."),
            ("batchlr.out_of_memory.recoveries", typeof(Counter<long>), "{recovery}", "Steps replanned with a smaller micro-batch after running out of memory."),
        });
    }
}
