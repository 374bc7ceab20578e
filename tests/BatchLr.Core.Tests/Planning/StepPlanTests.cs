using System;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Planning;

public class StepPlanTests
{
    private static TrainingPlanner Planner(LearningRateSchedule schedule) => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([schedule, schedule.Scale(0.5)], [Schedule.Constant(0.9), Schedule.Constant(0.8)]),
        BatchSize = BatchSizePolicy.Fixed(12),
        MaxMicroBatchSize = 5,
    });

    [Fact]
    public void Equals_PlansOfTwoPlannersWithEqualValues_AreEqual()
    {
        StepPlan a = Planner(Schedule.Linear(0.1, 0.0, 10)).Plan();
        StepPlan b = Planner(Schedule.Linear(0.1, 0.0, 10)).Plan();

        a.Should().Be(b);
        (a == b).Should().BeTrue();
        a.GetHashCode().Should().Be(b.GetHashCode());
    }

    [Fact]
    public void Noise_IsThePlannersEstimateWhenPlanned_AndStaysWithThePlan()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = BatchSizePolicy.Fixed(64),
            NoiseDecay = 0.0,
        });
        var exact = new GradientStatistics(16, 0.5 + (64.0 / 16), 64, 0.5 + (64.0 / 64)); // |G|² = 0.5, tr(Σ) = 64

        StepPlan first = planner.Plan();
        planner.Complete(new StepOutcome(64) { Gradients = exact });
        StepPlan second = planner.Plan();

        first.Noise.Should().Be(GradientNoise.Unknown);
        first.Noise.IsKnown.Should().BeFalse("a plan keeps the estimate it was made from");
        second.Noise.Should().Be(planner.Noise);
        second.Noise.NoiseScale.Should().BeApproximately(128, 1e-9);
    }

    [Fact]
    public void Equals_PlansThatDifferInOneValue_AreNotEqual()
    {
        TrainingPlanner planner = Planner(Schedule.Linear(0.1, 0.0, 10));
        StepPlan first = planner.Plan();
        planner.Complete(new StepOutcome(12));
        StepPlan second = planner.Plan();

        (first != second).Should().BeTrue();
        first.Should().NotBe(Planner(Schedule.Linear(0.2, 0.0, 10)).Plan(), "the learning rates differ");
        first.Should().NotBe(default(StepPlan));
    }

    [Fact]
    public void Batch_TwelveSamplesOfAtMostFive_IsThreeBalancedMicroBatches()
    {
        BatchPlan batch = Planner(Schedule.Constant(0.1)).Plan().Batch;

        // ceil(12 / 5) = 3 micro-batches of ceil(12 / 3) = 4.
        (batch.AccumulationSteps, batch.MicroBatchSize, batch.LastMicroBatchSize).Should().Be((3, 4, 4));
        batch.ToString().Should().Be("12 = 1 replica x 3 x 4");
    }

    [Fact]
    public void Members_OfAnEmptyPlan_ThrowSayingWherePlansComeFrom()
    {
        StepPlan empty = default;

        empty.GroupCount.Should().Be(0);
        ((Action)(() => _ = empty.LearningRate)).Should().Throw<InvalidOperationException>().WithMessage("*TrainingPlanner.Plan*");
    }
}
