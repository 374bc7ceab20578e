using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Planning;

/// <summary>Recovery from out-of-memory: the same step again, split finer; every rank together.</summary>
public class TrainingPlannerOutOfMemoryTests
{
    private static TrainingPlannerOptions Options(int? regrowth = null, int replicas = 1) => new()
    {
        Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.0, 100)]),
        BatchSize = BatchSizePolicy.Steps([5.0], [48, 96], constraints: new BatchSizeConstraints(replicas: replicas)),
        DatasetSize = 1000,
        MaxMicroBatchSize = 64,
        MicroBatchRegrowthInterval = regrowth,
        EvaluationInterval = TrainingDuration.Samples(100),
    };

    [Fact]
    public void ReportOutOfMemory_ReplansTheSameStep_WithHalfTheMicroBatchAndTwiceTheAccumulation()
    {
        var planner = new TrainingPlanner(Options());
        for (int i = 0; i < 6; i++)
        {
            planner.Complete(new StepOutcome(planner.Plan().Batch.GlobalBatchSize));
        }

        StepPlan failed = planner.Plan(); // 96 samples in 2 micro-batches of 48

        int limit = planner.ReportOutOfMemory();
        StepPlan retry = planner.Plan();

        (failed.Batch.AccumulationSteps, failed.Batch.MicroBatchSize).Should().Be((2, 48));
        limit.Should().Be(24);
        (retry.Batch.AccumulationSteps, retry.Batch.MicroBatchSize).Should().Be((4, 24));
        retry.Batch.GlobalBatchSize.Should().Be(failed.Batch.GlobalBatchSize);
        retry.DataOffset.Should().Be(failed.DataOffset, "the same samples");
        retry.LearningRate.Should().Be(failed.LearningRate);
        retry.Progress.Should().Be(failed.Progress);
        retry.IsEvaluationPoint.Should().Be(failed.IsEvaluationPoint);
        planner.MicroBatchLimit.Should().Be(24);
    }

    [Fact]
    public void ReportOutOfMemory_Repeatedly_HalvesDownToOne_ThenRefuses()
    {
        var options = Options();
        options.BatchSize = BatchSizePolicy.Fixed(5);
        var planner = new TrainingPlanner(options);

        var limits = new List<int>();
        planner.Plan();
        limits.Add(planner.ReportOutOfMemory()); // 5 → 3
        planner.Plan();
        limits.Add(planner.ReportOutOfMemory()); // micro-batches 3, 2 → 2
        planner.Plan();
        limits.Add(planner.ReportOutOfMemory()); // 2 → 1
        planner.Plan();

        limits.Should().Equal(3, 2, 1);
        ((Action)(() => planner.ReportOutOfMemory())).Should().Throw<InvalidOperationException>().WithMessage("*micro-batches of 1 sample*");
    }

    [Fact]
    public void ReportOutOfMemory_WithoutAPlannedStep_Throws()
    {
        var planner = new TrainingPlanner(Options());

        ((Action)(() => planner.ReportOutOfMemory())).Should().Throw<InvalidOperationException>().WithMessage("*No step is planned*");
    }

    [Fact]
    public void Complete_AfterTheRegrowthInterval_DoublesTheLimitBackTowardTheConfigured()
    {
        var planner = new TrainingPlanner(Options(regrowth: 3));
        planner.Plan();
        planner.ReportOutOfMemory(); // 48 → 24
        planner.Plan();
        planner.ReportOutOfMemory(); // 24 → 12

        var limits = new List<int>();
        for (int i = 0; i < 8; i++)
        {
            planner.Complete(new StepOutcome(planner.Plan().Batch.GlobalBatchSize));
            limits.Add(planner.MicroBatchLimit);
        }

        // Every 3 good steps: 12 → 24 → 48 → 64 (the configured maximum), then it stays.
        limits.Should().Equal(12, 12, 24, 24, 24, 48, 48, 48);
    }

    [Fact]
    public void State_KeepsTheLoweredLimit_AndAResumedPlannerPlansIdentically()
    {
        var planner = new TrainingPlanner(Options(regrowth: 4));
        planner.Plan();
        planner.ReportOutOfMemory();
        planner.Complete(new StepOutcome(planner.Plan().Batch.GlobalBatchSize));
        TrainingPlannerState state = TrainingPlannerState.FromJson(planner.State.ToJson());

        var resumed = new TrainingPlanner(Options(regrowth: 4), state);

        state.MicroBatchLimit.Should().Be(24);
        state.StepsSinceShrink.Should().Be(1);
        for (int i = 0; i < 10; i++)
        {
            StepPlan expected = planner.Plan(), actual = resumed.Plan();
            actual.Should().Be(expected);
            planner.Complete(new StepOutcome(expected.Batch.GlobalBatchSize));
            resumed.Complete(new StepOutcome(actual.Batch.GlobalBatchSize));
        }

        new TrainingPlanner(Options()).State.MicroBatchLimit.Should().BeNull("the configured limit is not saved twice");
        ((Action)(() => _ = new TrainingPlanner(Options(regrowth: 4), state with { MicroBatchLimit = 65 }))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state.MicroBatchLimit");
    }

    [Fact]
    public void ReportOutOfMemory_OnEveryRankWhenOneFails_KeepsTheRanksInStep()
    {
        // Four simulated ranks, each with its own planner; rank 2's device holds 20 samples at once, the others' 64.
        // The ranks agree on "any rank ran out of memory" (an all-reduce with MAX) and all shrink together.
        int[] capacity = [64, 64, 20, 64];
        var ranks = Enumerable.Range(0, 4).Select(_ => new TrainingPlanner(Options(replicas: 4))).ToArray();

        var attemptsPerStep = new List<int>();
        for (int step = 0; step < 10; step++)
        {
            StepPlan[] plans;
            int attempts = 0;
            while (true)
            {
                attempts++;
                plans = ranks.Select(r => r.Plan()).ToArray();
                bool[] failed = plans.Select((p, r) => p.Batch.MicroBatchSize > capacity[r]).ToArray();
                if (!failed.Any(f => f))
                {
                    break;
                }

                foreach (TrainingPlanner rank in ranks)
                {
                    rank.ReportOutOfMemory();
                }
            }

            plans.Should().AllSatisfy(p => p.Should().Be(plans[0]), "every rank plans the same step");
            plans[0].Batch.MicroBatchSize.Should().BeLessThanOrEqualTo(20);
            attemptsPerStep.Add(attempts);

            foreach (TrainingPlanner rank in ranks)
            {
                rank.Complete(new StepOutcome(plans[0].Batch.GlobalBatchSize));
            }
        }

        // Batch 48 is 12 per replica and fits everywhere; from step 5 the batch of 96 is 24 per replica, too much for rank 2:
        // one failed attempt, then every rank plans 2 micro-batches of 12 and keeps that limit.
        attemptsPerStep.Should().Equal(1, 1, 1, 1, 1, 2, 1, 1, 1, 1);
        ranks.Should().OnlyContain(r => r.MicroBatchLimit == 12);
        ranks.Select(r => r.Progress).Should().AllBeEquivalentTo(ranks[0].Progress);
    }
}
