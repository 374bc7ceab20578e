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

    [Fact]
    public void Equals_FirstPlansThatDifferInOneFlagOrShape_AreNotEqual()
    {
        static StepPlan First(Action<TrainingPlannerOptions>? change = null, bool momentum = false, int groups = 1)
        {
            LearningRateSchedule rate = Schedule.Constant(0.1);
            var options = new TrainingPlannerOptions
            {
                Schedule = momentum
                    ? new OptimizerSchedule([.. System.Linq.Enumerable.Repeat(rate, groups)], [.. System.Linq.Enumerable.Repeat(Schedule.Constant(0.9), groups)])
                    : new OptimizerSchedule([.. System.Linq.Enumerable.Repeat(rate, groups)]),
                BatchSize = BatchSizePolicy.Fixed(12),
            };
            change?.Invoke(options);
            return new TrainingPlanner(options).Plan();
        }

        StepPlan plain = First();
        StepPlan[] others =
        [
            First(o => o.EvaluationInterval = TrainingDuration.Steps(1)),   // only IsEvaluationPoint differs
            First(o => o.Duration = TrainingDuration.Steps(1)),            // IsLastStep (and the evaluation point of the last step)
            First(momentum: true),                                         // HasMomentum
            First(groups: 2),                                              // GroupCount
        ];

        plain.Should().Be(First());
        foreach (StepPlan other in others)
        {
            plain.Should().NotBe(other);
            (plain == other).Should().BeFalse();
        }

        plain.HasMomentum.Should().BeFalse();
        others[2].HasMomentum.Should().BeTrue();
        others[0].IsEvaluationPoint.Should().BeTrue();
        others[1].IsLastStep.Should().BeTrue();
    }

    [Fact]
    public void GetHashCode_OfAnEmptyPlan_NeedsNoRate()
    {
        StepPlan empty = default;

        empty.GetHashCode().Should().Be(default(StepPlan).GetHashCode());
        empty.HasMomentum.Should().BeFalse();
    }
}
