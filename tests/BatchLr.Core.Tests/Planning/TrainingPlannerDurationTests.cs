using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Planning;

/// <summary>The end of training, the last batch cut to what remains, and evaluation points.</summary>
public class TrainingPlannerDurationTests
{
    private static TrainingPlannerOptions Options(IBatchSizePolicy batch, TrainingDuration? duration, TrainingDuration? evaluation = null, long? datasetSize = 1000) => new()
    {
        Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
        BatchSize = batch,
        DatasetSize = datasetSize,
        Duration = duration,
        EvaluationInterval = evaluation,
    };

    private static List<StepPlan> RunToTheEnd(TrainingPlanner planner)
    {
        var plans = new List<StepPlan>();
        while (!planner.IsComplete)
        {
            StepPlan plan = planner.Plan();
            plans.Add(plan);
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
        }

        return plans;
    }

    [Fact]
    public void Plan_TwoEpochsWithAGrowingBatch_ConsumesExactlyTwoEpochs_CuttingTheLastBatch()
    {
        // Dataset 1000; batch 96 before step 5, then 160: 5 · 96 = 480, then 160 a step: 480 + 9 · 160 = 1920, 80 remain.
        var planner = new TrainingPlanner(Options(BatchSizePolicy.Steps([5.0], [96, 160]), TrainingDuration.Epochs(2)));

        List<StepPlan> plans = RunToTheEnd(planner);

        planner.Progress.Samples.Should().Be(2000);
        planner.Progress.Epoch.Should().Be(2.0);
        plans.Should().HaveCount(15);
        plans[^1].Batch.GlobalBatchSize.Should().Be(80);
        plans.Select(p => p.IsLastStep).Should().Equal(Enumerable.Range(0, 15).Select(i => i == 14));
    }

    [Fact]
    public void Plan_CutBatch_KeepsTheMicroBatchRules()
    {
        // 100 samples in batches of 64 with micro-batches of at most 16: the second batch is 36 = 3 micro-batches of 12.
        var options = Options(BatchSizePolicy.Fixed(64), TrainingDuration.Samples(100));
        options.MaxMicroBatchSize = 16;
        var planner = new TrainingPlanner(options);

        planner.Complete(new StepOutcome(planner.Plan().Batch.GlobalBatchSize));
        BatchPlan last = planner.Plan().Batch;

        last.Should().Be(BatchPlan.Create(36, 16));
        (last.AccumulationSteps, last.MicroBatchSize).Should().Be((3, 12));
    }

    [Fact]
    public void Plan_WithReplicas_CutsToAMultipleOfTheReplicas_AndEndsWhenFewerRemain()
    {
        // 4 replicas, batch 40, 110 samples: 40, 40, then 30 remain → 28; 2 remain, fewer than 4 replicas: complete.
        var planner = new TrainingPlanner(Options(BatchSizePolicy.Fixed(40, new BatchSizeConstraints(replicas: 4)), TrainingDuration.Samples(110)));

        List<StepPlan> plans = RunToTheEnd(planner);

        plans.Select(p => p.Batch.GlobalBatchSize).Should().Equal(40, 40, 28);
        planner.Progress.Samples.Should().Be(108);
        planner.IsComplete.Should().BeTrue();
    }

    [Fact]
    public void Plan_StepsDuration_EndsAfterThatManySteps_AndThenRefusesToPlan()
    {
        var planner = new TrainingPlanner(Options(BatchSizePolicy.Fixed(32), TrainingDuration.Steps(3)));

        List<StepPlan> plans = RunToTheEnd(planner);

        plans.Select(p => p.IsLastStep).Should().Equal(false, false, true);
        plans.Should().OnlyContain(p => p.Batch.GlobalBatchSize == 32);
        planner.Progress.Step.Should().Be(3);
        ((Action)(() => planner.Plan())).Should().Throw<InvalidOperationException>().WithMessage("*complete*3ba*IsComplete*");
        ((Action)(() => planner.Complete(new StepOutcome(32)))).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void IsComplete_TokensDuration_TurnsTrueOnceTheTokensAreConsumed()
    {
        var planner = new TrainingPlanner(Options(BatchSizePolicy.Fixed(8), TrainingDuration.Tokens(2500)));

        planner.Complete(new StepOutcome(8) { Tokens = 1200 });
        planner.Complete(new StepOutcome(8) { Tokens = 1200 });
        planner.IsComplete.Should().BeFalse();
        planner.Complete(new StepOutcome(8) { Tokens = 1200 });

        planner.IsComplete.Should().BeTrue();
    }

    [Fact]
    public void Plan_NoDuration_NeverCompletes()
    {
        var planner = new TrainingPlanner(Options(BatchSizePolicy.Fixed(500), duration: null));
        for (int i = 0; i < 10; i++)
        {
            planner.Plan().IsLastStep.Should().BeFalse();
            planner.Complete(new StepOutcome(500));
        }

        planner.IsComplete.Should().BeFalse();
    }

    [Fact]
    public void IsEvaluationPoint_HalfEpochsWithAVaryingBatch_MarksTheStepsThatCrossEachHalf()
    {
        // Dataset 1000, evaluate every 0.5 epoch = 500 samples, two epochs. Batch 96 for 5 steps, then 160.
        // Samples after each step: 96, 192, 288, 384, 480, 640*, 800, 960, 1120*, 1280, 1440, 1600*, 1760, 1920, 2000*(last).
        var planner = new TrainingPlanner(Options(BatchSizePolicy.Steps([5.0], [96, 160]), TrainingDuration.Epochs(2), TrainingDuration.Epochs(0.5)));

        List<StepPlan> plans = RunToTheEnd(planner);

        var marked = plans.Select((p, i) => (p, i)).Where(x => x.p.IsEvaluationPoint).Select(x => x.i);
        marked.Should().Equal(5, 8, 11, 14);
    }

    [Fact]
    public void IsEvaluationPoint_EveryThreeSteps_MarksSteps2_5_8_AndTheLast()
    {
        var planner = new TrainingPlanner(Options(BatchSizePolicy.Fixed(10), TrainingDuration.Steps(10), TrainingDuration.Steps(3)));

        List<StepPlan> plans = RunToTheEnd(planner);

        plans.Select((p, i) => (p, i)).Where(x => x.p.IsEvaluationPoint).Select(x => x.i).Should().Equal(2, 5, 8, 9);
    }

    [Fact]
    public void IsEvaluationPoint_ExactMultipleOfSamples_IsMarkedOnce()
    {
        // Batches of 250 and an interval of 500 samples: steps 1, 3, 5 end exactly on 500, 1000, 1500.
        var planner = new TrainingPlanner(Options(BatchSizePolicy.Fixed(250), duration: null, TrainingDuration.Samples(500)));

        var marked = new List<int>();
        for (int step = 0; step < 6; step++)
        {
            if (planner.Plan().IsEvaluationPoint)
            {
                marked.Add(step);
            }

            planner.Complete(new StepOutcome(250));
        }

        marked.Should().Equal(1, 3, 5);
    }

    [Fact]
    public void Constructor_EpochsWithoutDatasetSize_IsRefusedNamingWhatReadsThem()
    {
        var geometric = Options(BatchSizePolicy.Geometric(32, 2, 1, 256), duration: null, datasetSize: null);
        var schedule = Options(BatchSizePolicy.Fixed(8), duration: null, datasetSize: null);
        schedule.Schedule = new OptimizerSchedule([Schedule.Step(0.1, 2, 0.5).On(ProgressClock.Epochs)]);
        var duration = Options(BatchSizePolicy.Fixed(8), TrainingDuration.Epochs(3), datasetSize: null);
        var evaluation = Options(BatchSizePolicy.Fixed(8), duration: null, TrainingDuration.Epochs(1), datasetSize: null);

        ((Action)(() => _ = new TrainingPlanner(geometric))).Should().Throw<ArgumentException>().WithMessage("*DatasetSize*the batch-size policy reads the epoch clock*");
        ((Action)(() => _ = new TrainingPlanner(schedule))).Should().Throw<ArgumentException>().WithMessage("*DatasetSize*the schedule reads the epoch clock*");
        ((Action)(() => _ = new TrainingPlanner(duration))).Should().Throw<ArgumentException>().WithMessage("*DatasetSize*the duration*");
        ((Action)(() => _ = new TrainingPlanner(evaluation))).Should().Throw<ArgumentException>().WithMessage("*DatasetSize*the evaluation interval*");
    }

    [Fact]
    public void Constructor_TokenEvaluationIntervalOrDefaultDuration_IsRefused()
    {
        var tokens = Options(BatchSizePolicy.Fixed(8), duration: null, TrainingDuration.Tokens(1000));
        var empty = Options(BatchSizePolicy.Fixed(8), default(TrainingDuration));

        ((Action)(() => _ = new TrainingPlanner(tokens))).Should().Throw<ArgumentException>().WithMessage("*EvaluationInterval*tokens*");
        ((Action)(() => _ = new TrainingPlanner(empty))).Should().Throw<ArgumentException>().WithMessage("*Duration*factories*");
    }

    [Fact]
    public void Complete_AdaScalePartialLastBatch_AdvancesByTheGainOfTheSamplesConsumed()
    {
        // AdaScale at reference 10 with σ² = tr(Σ)/10 = 1, μ² = 1: r(B) = 2 / (1/S + 1) with S = B / 10.
        // Full batch 40: S = 4, r = 1.6. The last step consumes 20: S = 2, r = 4/3.
        var options = new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Linear(1.0, 0.0, 100)]),
            BatchSize = BatchSizePolicy.Fixed(40),
            Scaling = LearningRateScaling.AdaScale(10),
            NoiseDecay = 0.0,
        };
        var planner = new TrainingPlanner(options);

        // Statistics that give |G|² = 1 and tr(Σ) = 10 exactly: |g_b|² = 1 + 10 / b.
        var statistics = new BatchLr.Feedback.GradientStatistics(10, 2.0, 40, 1.25);
        planner.Complete(new StepOutcome(40) { Gradients = statistics });
        double afterFirst = planner.State.SchedulePosition; // the first step's gain is 1: the noise was not yet known
        planner.Plan();
        planner.Complete(new StepOutcome(20) { Gradients = statistics });

        afterFirst.Should().Be(1.0);
        Approx.Equal(1.0 + (4.0 / 3.0), planner.State.SchedulePosition);
    }

    [Fact]
    public void Complete_MoreSamplesThanPlanned_IsRefusedAndChangesNothing()
    {
        var planner = new TrainingPlanner(Options(BatchSizePolicy.Fixed(32), TrainingDuration.Samples(100)));
        StepPlan plan = planner.Plan();
        TrainingPlannerState before = planner.State;

        var act = () => planner.Complete(new StepOutcome(33));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("outcome.Samples").WithMessage("*33*at most*planned global batch, 32*");
        planner.State.Should().Be(before);
        planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize - 2)); // fewer, as at the end of the data, is fine
        planner.Progress.Samples.Should().Be(30);
    }
}
