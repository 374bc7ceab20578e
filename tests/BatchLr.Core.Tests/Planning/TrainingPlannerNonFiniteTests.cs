using System;
using System.Collections.Generic;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Planning;

/// <summary>A NaN or infinite number never reaches a reactive part: refused by Complete and Report, or its step skipped (SkipStep), its samples passed over.</summary>
public class TrainingPlannerNonFiniteTests
{
    private static TrainingPlannerOptions Options(EpochBoundary boundary = EpochBoundary.Keep, long datasetSize = 100) => new()
    {
        Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.0, 20)]),
        BatchSize = BatchSizePolicy.Fixed(16),
        DatasetSize = datasetSize,
        EpochBoundary = boundary,
    };

    private static TrainingPlanner Reactive() => new(new TrainingPlannerOptions
    {
        // A plateau on the training loss (patience 0: any loss that does not improve reduces the rate) and a noise-adaptive batch.
        Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]).WithPlateau(new ReduceOnPlateauOptions { Patience = 0, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 1 }),
        BatchSize = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 12 }),
        DatasetSize = 1000,
    });

    private static void Train(TrainingPlanner planner, params double[] losses)
    {
        foreach (double loss in losses)
        {
            StepPlan plan = planner.Plan();
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Loss = loss, Gradients = new GradientStatistics(plan.Batch.MicroBatchSize, 4.0, plan.Batch.GlobalBatchSize, 1.0) });
        }
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Complete_NonFiniteLoss_IsRefusedNamingTheFieldAndTheRule_AndChangesNothing(double loss)
    {
        TrainingPlanner planner = Reactive();
        Train(planner, 3.0, 2.0);
        TrainingPlannerState before = planner.State;
        StepPlan plan = planner.Plan();

        var act = () => planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Loss = loss });

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("outcome.Loss").WithMessage("*a finite number or null*refused*");
        planner.State.Should().Be(before);
    }

    [Theory]
    [InlineData(double.NaN, 1.0, "outcome.Gradients.SmallBatchSquaredNorm")]
    [InlineData(4.0, double.PositiveInfinity, "outcome.Gradients.LargeBatchSquaredNorm")]
    public void Complete_NonFiniteGradientNorm_IsRefusedNamingTheField_AndChangesNothing(double small, double large, string field)
    {
        TrainingPlanner planner = Reactive();
        Train(planner, 3.0, 2.0);
        TrainingPlannerState before = planner.State;
        StepPlan plan = planner.Plan();

        var act = () => planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Loss = 1.0, Gradients = new GradientStatistics(plan.Batch.MicroBatchSize, small, plan.Batch.GlobalBatchSize, large) });

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(field).WithMessage("*a finite number zero or more*");
        planner.State.Should().Be(before);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Report_NonFiniteMetric_IsRefusedNamingTheParameter_AndChangesNothing(double metric)
    {
        TrainingPlanner planner = Reactive();
        Train(planner, 3.0);
        TrainingPlannerState before = planner.State;

        var act = () => planner.Report(metric);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(metric)).WithMessage("*a finite number*refused*");
        planner.State.Should().Be(before);
    }

    [Fact]
    public void SkipStep_PassesOverTheBatch_AndKeepsTheStepAndTheRate()
    {
        var planner = new TrainingPlanner(Options());
        planner.Complete(new StepOutcome(planner.Plan().Batch.GlobalBatchSize));
        planner.Complete(new StepOutcome(planner.Plan().Batch.GlobalBatchSize));
        StepPlan skipped = planner.Plan();

        long passed = planner.SkipStep();
        StepPlan next = planner.Plan();

        // Samples 32..47 are passed over: the next step reads 48..63 at step 2's rate, 0.05 · (1 + cos(π · 2 / 20)).
        passed.Should().Be(16);
        skipped.DataOffset.Should().Be(32);
        next.DataOffset.Should().Be(48);
        next.LearningRate.Should().Be(skipped.LearningRate);
        next.LearningRate.Should().BeApproximately(0.05 * (1 + Math.Cos(Math.PI * 2 / 20)), 1e-16);
        planner.Progress.Should().Be(new TrainingProgress(2, 32, 0, 0.48));
        planner.State.SkippedSamples.Should().Be(16);
    }

    [Fact]
    public void SkipStep_ReachesNoReactivePart()
    {
        TrainingPlanner planner = Reactive();
        Train(planner, 3.0, 2.0, 1.0);

        TrainingPlannerState before = planner.State;
        GradientNoise noise = planner.Noise;
        StepPlan skipped = planner.Plan();

        planner.SkipStep();

        planner.State.Should().Be(before with { SkippedSamples = before.SkippedSamples + skipped.Batch.GlobalBatchSize });
        planner.Noise.Should().Be(noise);
        StepPlan next = planner.Plan();
        next.LearningRate.Should().Be(0.1, "the losses improved every time, so no reduction");
        next.Batch.GlobalBatchSize.Should().Be(skipped.Batch.GlobalBatchSize);
        next.DataOffset.Should().Be(skipped.DataOffset + skipped.Batch.GlobalBatchSize);
    }

    [Fact]
    public void SkipStep_AcrossEpochs_EverySampleIsReadOncePerEpoch()
    {
        // 50 samples, batches of 16, Drop: each epoch reads 0..47 in three steps and passes over the tail of 2.
        var planner = new TrainingPlanner(Options(EpochBoundary.Drop, 50));
        var read = new List<(long From, long To)>();
        long completed = 0;
        for (int i = 0; i < 12; i++)
        {
            StepPlan plan = planner.Plan();
            read.Add((plan.DataOffset, plan.DataOffset + plan.Batch.GlobalBatchSize));
            if (i % 3 == 1)
            {
                planner.SkipStep();
            }
            else
            {
                planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
                completed++;
            }
        }

        read.Should().Equal(
            (0, 16), (16, 32), (32, 48),
            (50, 66), (66, 82), (82, 98),
            (100, 116), (116, 132), (132, 148),
            (150, 166), (166, 182), (182, 198));
        planner.Progress.Step.Should().Be(completed);
        planner.Progress.Samples.Should().Be(16 * completed);
        planner.Progress.Epoch.Should().Be(198.0 / 50);
    }

    [Fact]
    public void SkipStep_CountsTowardADurationInSamples_NotTowardOneInSteps()
    {
        TrainingPlannerOptions steps = Options();
        steps.Duration = TrainingDuration.Steps(3);
        TrainingPlannerOptions samples = Options();
        samples.Duration = TrainingDuration.Samples(64);
        var bySteps = new TrainingPlanner(steps);
        var bySamples = new TrainingPlanner(samples);

        int planned = 0;
        for (bool skip = true; !bySteps.IsComplete; skip = false, planned++)
        {
            bySteps.Plan();
            if (skip)
            {
                bySteps.SkipStep();
            }
            else
            {
                bySteps.Complete(new StepOutcome(16));
            }
        }

        bySamples.Plan();
        bySamples.SkipStep();
        for (int i = 0; i < 3; i++)
        {
            bySamples.Complete(new StepOutcome(bySamples.Plan().Batch.GlobalBatchSize));
        }

        planned.Should().Be(4, "three optimizer steps, plus the skipped one");
        bySteps.Progress.Step.Should().Be(3);
        bySamples.IsComplete.Should().BeTrue("64 samples were read, 16 of them passed over");
        bySamples.Progress.Samples.Should().Be(48);
    }

    [Fact]
    public void SkipStep_SavedAndRestored_PlansTheSameNextStep()
    {
        var planner = new TrainingPlanner(Options());
        planner.Complete(new StepOutcome(planner.Plan().Batch.GlobalBatchSize));
        planner.Plan();
        planner.SkipStep();

        var resumed = new TrainingPlanner(Options(), TrainingPlannerState.FromJson(planner.State.ToJson()));

        resumed.Plan().Should().Be(planner.Plan());
        resumed.Progress.Should().Be(planner.Progress);
    }

    [Fact]
    public void SkipStep_WithoutAPlannedStep_ThrowsAndChangesNothing()
    {
        var planner = new TrainingPlanner(Options());
        planner.Plan();
        planner.SkipStep();
        TrainingPlannerState before = planner.State;

        ((Action)(() => planner.SkipStep())).Should().Throw<InvalidOperationException>().WithMessage("*No step is planned*");
        planner.State.Should().Be(before);
    }
}
