using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Planning;

/// <summary>Reactive parts composed with closed-form ones, metrics reported at any time, and plans that stay put.</summary>
public class TrainingPlannerReactiveTests
{
    private static double Cosine(long step) => 0.1 * (1 + Math.Cos(Math.PI * Math.Min(step, 100) / 100.0)) / 2;

    private static TrainingPlanner CosineWithPlateau(ReduceOnPlateauOptions plateau, IBatchSizePolicy? batch = null) => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.0, 100)]).WithPlateau(plateau),
        BatchSize = batch ?? BatchSizePolicy.Fixed(8),
    });

    [Fact]
    public void Plan_CosineWithPlateau_IsTheCosineUntilThePlateau_ThenTheProduct()
    {
        var planner = CosineWithPlateau(new ReduceOnPlateauOptions { Patience = 1, Factor = 0.5 });

        var rates = new List<double>();
        for (int step = 0; step < 60; step++)
        {
            StepPlan plan = planner.Plan();
            rates.Add(plan.LearningRate);
            planner.Complete(new StepOutcome(8));
            if (step % 10 == 9)
            {
                // Validation after steps 9, 19, ...: improves at 9 and 19, stalls from 29; patience 1 → the second stall (39) reduces.
                planner.Report(step < 20 ? 1.0 - (step / 100.0) : 0.9);
            }
        }

        for (int step = 0; step < 60; step++)
        {
            // Steps up to 39 run before the report after step 39; from step 40 the factor is 0.5. Before it, bit for bit the cosine.
            double cosine = Schedule.CosineAnnealing(0.1, 0.0, 100).Evaluate(step);
            rates[step].Should().Be(step < 40 ? cosine : cosine * 0.5, "step {0}", step);
            Approx.Equal(step < 40 ? Cosine(step) : 0.5 * Cosine(step), rates[step]);
        }
    }

    [Fact]
    public void Plan_PlanReadBeforeAndAfterAReduction_IsTheSame()
    {
        var planner = CosineWithPlateau(new ReduceOnPlateauOptions { Patience = 0, Factor = 0.1 });
        planner.Report(1.0);

        StepPlan plan = planner.Plan();
        double before = plan.LearningRate;
        StepPlan copy = plan;
        planner.Report(2.0); // a plateau: the factor drops to 0.1
        planner.Complete(new StepOutcome(8));

        plan.LearningRate.Should().Be(before, "a plan is a snapshot");
        plan.Should().Be(copy);
        planner.Plan().LearningRate.Should().Be(0.1 * Schedule.CosineAnnealing(0.1, 0.0, 100).Evaluate(1), "the next plan is the first to see the report");
    }

    [Fact]
    public void Report_BetweenPlanAndComplete_LandsInTheNextPlan_AndCompleteRecordsThePlannedStep()
    {
        // The batch grows by 2 at a plateau; the step planned with 16 completes as a step of 16 even if a report moves the policy first.
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(16), new PlateauBatchSizeOptions { Patience = 0 }),
            DatasetSize = 64,
        });
        planner.Report(1.0);

        StepPlan plan = planner.Plan();
        planner.Report(1.0); // plateau: the policy now answers 32
        planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));

        plan.Batch.GlobalBatchSize.Should().Be(16);
        planner.Progress.Samples.Should().Be(16);
        planner.Plan().Batch.GlobalBatchSize.Should().Be(32);
    }

    [Fact]
    public void Complete_TrainingLossMonitor_ReducesWithoutAnyReportedMetric()
    {
        // Windows of 5 losses; every window's mean is 1.0 after the first (2.0): the first window sets the best,
        // the second does not improve, and with patience 0 the factor drops to 0.5 after step 9.
        var planner = CosineWithPlateau(new ReduceOnPlateauOptions { Patience = 0, Factor = 0.5, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 5 });

        var rates = new List<double>();
        for (int step = 0; step < 12; step++)
        {
            rates.Add(planner.Plan().LearningRate);
            planner.Complete(new StepOutcome(8) { Loss = step < 5 ? 0.5 : 1.0 });
        }

        rates.Take(10).Should().Equal(Enumerable.Range(0, 10).Select(s => Schedule.CosineAnnealing(0.1, 0.0, 100).Evaluate(s)));
        Approx.Equal(0.5 * Cosine(10), rates[10]);
        planner.State.Plateau!.LossCount.Should().Be(2, "steps 10 and 11 start the next window");
    }

    [Fact]
    public void Report_TrainingLossMonitor_IgnoresReportedMetrics()
    {
        var planner = CosineWithPlateau(new ReduceOnPlateauOptions { Patience = 0, Monitor = PlateauMonitor.TrainingLoss });

        planner.Report(1.0);
        planner.Report(2.0);
        planner.Report(3.0);

        planner.Plan().LearningRate.Should().Be(0.1);
        planner.State.Plateau!.Reports.Should().Be(0);
    }

    [Fact]
    public void Plan_ReactiveRateAndReactiveBatch_ComposeAndBothFollowTheirMetric()
    {
        // The rate watches reported metrics, the batch watches the training loss: each reacts to its own.
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.2)]).WithPlateau(new ReduceOnPlateauOptions { Patience = 0, Factor = 0.5 }),
            BatchSize = BatchSizePolicy.OnPlateau(
                BatchSizePolicy.Steps([2.0], [8, 16]),
                new PlateauBatchSizeOptions { Patience = 0, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 1 }),
        });

        // Step 0 (batch 8): loss 1 sets the batch's best; step 1 (8): loss 1 stalls → m = 2; step 2: 16 · 2 = 32.
        planner.Plan().Batch.GlobalBatchSize.Should().Be(8);
        planner.Complete(new StepOutcome(8) { Loss = 1 });
        planner.Plan().Batch.GlobalBatchSize.Should().Be(8);
        planner.Complete(new StepOutcome(8) { Loss = 1 });
        planner.Report(3.0);
        planner.Report(3.0); // the rate's plateau
        StepPlan plan = planner.Plan();

        plan.Batch.GlobalBatchSize.Should().Be(32);
        plan.LearningRate.Should().Be(0.1);
    }

    [Fact]
    public void Report_NonFiniteMetric_AndComplete_NonFiniteLoss_AreRefusedAndChangeNothing()
    {
        var planner = CosineWithPlateau(new ReduceOnPlateauOptions { Patience = 0, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 2 });
        planner.Complete(new StepOutcome(8) { Loss = 1.0 });
        TrainingPlannerState before = planner.State;

        ((Action)(() => planner.Report(double.PositiveInfinity))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("metric");
        ((Action)(() => planner.Complete(new StepOutcome(8) { Loss = double.NaN }))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("outcome.Loss");

        planner.State.Should().Be(before);
    }

    [Fact]
    public void ConstantWithPlateau_InAPlanner_FollowsPyTorchsReductionsBitForBit()
    {
        // PyTorch: lr ← max(lr · factor, min_lr), skipped when the change is not more than eps. Rates 0.3 and 0.7, factor 0.3:
        // 0.3 → 0.09 → 0.027 → floor 0.01; 0.7 → 0.21 → 0.063 → 0.0189 → 0.00567 (min 0 for group 1).
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions { Patience = 0, Factor = 0.3, MinLearningRates = [0.01, 0.0] }, [0.3, 0.7]),
            BatchSize = BatchSizePolicy.Fixed(4),
        });
        double g0 = 0.3, g1 = 0.7;
        planner.Report(1.0);
        for (int reduction = 0; reduction < 4; reduction++)
        {
            planner.Report(1.0);
            g0 = Math.Max(g0 * 0.3, 0.01);
            g1 *= 0.3;
            StepPlan plan = planner.Plan();
            plan.GetLearningRate(0).Should().Be(g0);
            plan.GetLearningRate(1).Should().Be(g1);
        }
    }

    [Fact]
    public void Plan_NoiseConsumerOnOneReplica_SplitsEveryBatchInTwoAtLeast_SoTheNoiseCanBeMeasured()
    {
        // A noise-adaptive batch of 64 fits the device (limit 256), but one micro-batch gives one gradient, no noise estimate:
        // the planner splits it into 2 of 32. A batch above the limit is split by the limit as always. A fixed batch is not split.
        TrainingPlannerOptions Options(IBatchSizePolicy policy) => new()
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
            BatchSize = policy,
            MaxMicroBatchSize = 256,
        };
        var adaptive = new TrainingPlanner(Options(BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 64 })));
        var large = new TrainingPlanner(Options(BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 600 })));
        var replicas = new TrainingPlanner(Options(BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 64, Constraints = new BatchSizeConstraints(replicas: 2) })));
        var plain = new TrainingPlanner(Options(BatchSizePolicy.Fixed(64)));

        adaptive.Plan().Batch.Should().Be(BatchPlan.Create(64, 32));
        large.Plan().Batch.Should().Be(BatchPlan.Create(600, 256));
        replicas.Plan().Batch.Should().Be(BatchPlan.Create(64, 256, 2), "two replicas already give two batch sizes");
        plain.Plan().Batch.AccumulationSteps.Should().Be(1);

        StepPlan plan = adaptive.Plan();
        GradientStatistics? statistics = GradientStatistics.FromMicroBatches(plan.Batch, 4.0 * 0.25, 1.0);
        statistics.Should().NotBeNull("the split gives the two sizes the estimator needs");
    }
}
