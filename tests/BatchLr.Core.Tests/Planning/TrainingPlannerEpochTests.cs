using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Planning;

/// <summary>What a step does at an epoch's end: run on, keep a partial batch, or pass the tail over.</summary>
public class TrainingPlannerEpochTests
{
    private static TrainingPlanner Planner(IBatchSizePolicy batch, EpochBoundary boundary, long datasetSize = 100, TrainingDuration? duration = null) => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
        BatchSize = batch,
        DatasetSize = datasetSize,
        EpochBoundary = boundary,
        Duration = duration,
    });

    private static List<StepPlan> Run(TrainingPlanner planner, int steps)
    {
        var plans = new List<StepPlan>();
        for (int i = 0; i < steps && !planner.IsComplete; i++)
        {
            StepPlan plan = planner.Plan();
            plans.Add(plan);
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
        }

        return plans;
    }

    [Fact]
    public void Plan_Keep_CutsTheEpochsLastBatchToWhatRemains()
    {
        // 100 samples in batches of 32: 32, 32, 32, then the 4 that remain; the next epoch starts whole.
        List<StepPlan> plans = Run(Planner(BatchSizePolicy.Fixed(32), EpochBoundary.Keep), 8);

        plans.Select(p => p.Batch.GlobalBatchSize).Should().Equal(32, 32, 32, 4, 32, 32, 32, 4);
        plans.Select(p => p.DataOffset).Should().Equal(0, 32, 64, 96, 100, 132, 164, 196);
        plans[4].Progress.Epoch.Should().Be(1.0);
    }

    [Fact]
    public void Plan_Drop_PassesTheTailOver_AndCountsItOnTheEpochClockOnly()
    {
        var planner = Planner(BatchSizePolicy.Fixed(32), EpochBoundary.Drop);

        List<StepPlan> plans = Run(planner, 4);

        // Steps 0-2 take 96; the 4 left are passed over, so step 3 starts epoch 1 at stream position 100.
        plans.Select(p => p.Batch.GlobalBatchSize).Should().OnlyContain(b => b == 32);
        plans.Select(p => p.DataOffset).Should().Equal(0, 32, 64, 100);
        plans[3].Progress.Epoch.Should().Be(1.0);
        plans[3].Progress.Samples.Should().Be(96);
        planner.Progress.Samples.Should().Be(128);
        planner.Progress.Epoch.Should().Be(1.32, "(128 consumed + 4 passed over) / 100");
        planner.State.SkippedSamples.Should().Be(4);
    }

    [Fact]
    public void Plan_Continue_RunsOnIntoTheNextEpoch()
    {
        List<StepPlan> plans = Run(Planner(BatchSizePolicy.Fixed(32), EpochBoundary.Continue), 5);

        plans.Select(p => p.Batch.GlobalBatchSize).Should().OnlyContain(b => b == 32);
        plans.Select(p => p.DataOffset).Should().Equal(0, 32, 64, 96, 128);
    }

    [Fact]
    public void Plan_KeepWithAVaryingBatch_ConsumesEachEpochExactly()
    {
        // Batches 24, 40 and 56 in turn (a cyclic policy on steps would do the same): every epoch of 250 ends on a cut batch.
        IBatchSizePolicy cycling = BatchSizePolicy.FromCurve(Schedule.PiecewiseConstant([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], [24, 40, 56, 24, 40, 56, 24, 40, 56, 24, 40]));
        List<StepPlan> plans = Run(Planner(cycling, EpochBoundary.Keep, datasetSize: 250), 40);

        long consumed = 0;
        var epochEnds = new List<long>();
        foreach (StepPlan plan in plans)
        {
            plan.DataOffset.Should().Be(consumed, "no sample is passed over under Keep with one replica");
            consumed += plan.Batch.GlobalBatchSize;
            if (consumed % 250 == 0)
            {
                epochEnds.Add(consumed);
            }

            (plan.DataOffset / 250).Should().Be((consumed - 1) / 250, "a batch never spans two epochs");
        }

        epochEnds.Should().HaveCountGreaterThan(3);
    }

    [Fact]
    public void Plan_KeepWithReplicas_CutsToAMultipleOfThem_AndPassesTheRestOver()
    {
        // 3 replicas, batch 30, dataset 100: 30, 30, 30, then 10 remain → 9; 1 remains, fewer than 3 → passed over.
        List<StepPlan> plans = Run(Planner(BatchSizePolicy.Fixed(30, new BatchSizeConstraints(replicas: 3)), EpochBoundary.Keep), 6);

        plans.Select(p => p.Batch.GlobalBatchSize).Should().Equal(30, 30, 30, 9, 30, 30);
        plans.Select(p => p.DataOffset).Should().Equal(0, 30, 60, 90, 100, 130);
    }

    [Fact]
    public void IsComplete_DropWithADuration_EndsWhenOnlyATailRemains()
    {
        var planner = Planner(BatchSizePolicy.Fixed(32), EpochBoundary.Drop, duration: TrainingDuration.Epochs(2));

        List<StepPlan> plans = Run(planner, 100);

        plans.Should().HaveCount(6);
        planner.IsComplete.Should().BeTrue();
        planner.Progress.Samples.Should().Be(192);
    }

    [Fact]
    public void Plan_DropWithABatchLargerThanTheDataset_IsRefused_AndIsCompleteDoesNotThrow()
    {
        var planner = Planner(BatchSizePolicy.Fixed(128), EpochBoundary.Drop);

        planner.IsComplete.Should().BeFalse();
        ((Action)(() => planner.Plan())).Should().Throw<InvalidOperationException>().WithMessage("*128*larger than the dataset, 100*Drop*");
    }

    [Fact]
    public void Plan_KeepWithABatchLargerThanTheDataset_TakesTheWholeEpoch()
    {
        Run(Planner(BatchSizePolicy.Fixed(128), EpochBoundary.Keep), 3).Select(p => p.Batch.GlobalBatchSize).Should().Equal(100, 100, 100);
    }

    [Fact]
    public void Constructor_BoundaryWithoutDatasetSize_IsRefused()
    {
        var options = new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = BatchSizePolicy.Fixed(8),
            EpochBoundary = EpochBoundary.Keep,
        };

        ((Action)(() => _ = new TrainingPlanner(options))).Should().Throw<ArgumentException>().WithMessage("*EpochBoundary' is Keep*DatasetSize*");
    }

    [Fact]
    public void State_WithPassedOverSamples_ResumesToTheSamePlans()
    {
        var planner = Planner(BatchSizePolicy.Steps([5.0], [32, 48]), EpochBoundary.Drop);
        Run(planner, 7);
        TrainingPlannerState state = planner.State;

        var resumed = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = BatchSizePolicy.Steps([5.0], [32, 48]),
            DatasetSize = 100,
            EpochBoundary = EpochBoundary.Drop,
        }, TrainingPlannerState.FromJson(state.ToJson()));

        state.SkippedSamples.Should().BeGreaterThan(0);
        Run(resumed, 10).Should().Equal(Run(planner, 10));
    }
}
