using System;
using BatchLr.Batching;
using BatchLr.Core.Tests.Schedules;
using BatchLr.Feedback;
using BatchLr.Scaling;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Planning;

/// <summary>
/// A planner resumed from its state, written to JSON at any step, plans exactly what the uninterrupted planner plans: for
/// generated schedules with a reduce-on-plateau part, closed-form and adaptive batch policies, every scaling rule, and
/// generated training (losses, gradient statistics, step times, reported metrics, out-of-memory retries).
/// </summary>
public class TrainingPlannerStatePropertyTests
{
    /// <summary>A way to build the same options again: the schedule is shared (immutable), the policy is fresh each time.</summary>
    private static readonly Gen<(Func<TrainingPlannerOptions> Create, string Description)> Configurations =
        Gen.Select(Schedules(), Policies(), Gen.Int[0, 3], Gen.OneOf(Gen.Const(int.MaxValue), Gen.Int[1, 64]), Gen.OneOf(Gen.Const((long?)null), Gen.Long[1, 100_000].Select(n => (long?)n)))
            .Select((schedule, policy, rule, micro, dataset) =>
            {
                ILearningRateScaling scaling = rule switch
                {
                    0 => LearningRateScaling.None,
                    1 => LearningRateScaling.Linear(32),
                    2 => LearningRateScaling.SquareRoot(32),
                    _ => LearningRateScaling.AdaScale(32),
                };
                TrainingPlannerOptions Create() => new()
                {
                    Schedule = schedule.Schedule,
                    BatchSize = policy.Create(),
                    Scaling = scaling,
                    MaxMicroBatchSize = micro,
                    DatasetSize = dataset,
                    EpochBoundary = dataset is null ? EpochBoundary.Continue : EpochBoundary.Keep,
                };
                return ((Func<TrainingPlannerOptions>)Create, schedule.Description + "; " + policy.Description + "; scaling " + rule + "; micro " + micro + "; dataset " + dataset);
            });

    /// <summary>What the loop does at each step: the step's loss and norms, its seconds, whether it ran out of memory, and a metric to report.</summary>
    private static readonly Gen<(double Loss, double First, double Accumulated, double Seconds, bool OutOfMemory, double? Metric)[]> Training =
        Gen.Select(Gen.Double[0, 10], Gen.Double[0, 100], Gen.Double[0, 100], Gen.Double[1e-3, 1], Gen.Int[0, 9].Select(k => k == 0), Gen.OneOf(Gen.Const((double?)null), Gen.Double[0, 10].Select(m => (double?)m)))
            .Array[2, 80];

    [Fact]
    public void State_SavedAsJsonAtAnyStep_ResumesToIdenticalPlans()
    {
        Gen.Select(Configurations, Training, Gen.Double[0, 1]).Sample((config, steps, split) =>
        {
            var straight = new TrainingPlanner(config.Create());
            var resumed = new TrainingPlanner(config.Create());
            int cut = (int)(split * steps.Length);
            for (int i = 0; i < steps.Length; i++)
            {
                if (i == cut)
                {
                    string json = resumed.State.ToJson();
                    resumed = new TrainingPlanner(config.Create(), TrainingPlannerState.FromJson(json));
                }

                StepPlan expected = straight.Plan();
                StepPlan actual = resumed.Plan();
                actual.Should().Be(expected, "{0}: resumed at step {1}, the plan of step {2} must be the same", config.Description, cut, i);
                resumed.State.Should().Be(straight.State);
                Run(straight, expected, steps[i]);
                Run(resumed, actual, steps[i]);
            }
        });
    }

    private static void Run(TrainingPlanner planner, StepPlan plan, (double Loss, double First, double Accumulated, double Seconds, bool OutOfMemory, double? Metric) step)
    {
        if (step.OutOfMemory && plan.Batch.MicroBatchSize > 1)
        {
            planner.ReportOutOfMemory();
            plan = planner.Plan();
        }

        planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize)
        {
            Loss = step.Loss,
            Seconds = step.Seconds,
            Gradients = GradientStatistics.FromMicroBatches(plan.Batch, step.First, step.Accumulated),
        });
        if (step.Metric is { } metric)
        {
            planner.Report(metric);
        }
    }

    private static Gen<(OptimizerSchedule Schedule, string Description)> Schedules() => Gen.OneOf(
        Gen.Select(ScheduleGen.Value, ScheduleGen.Length, Gen.Double[0.01, 0.99], Gen.Int[0, 4])
            .Select((peak, length, factor, patience) => (
                new OptimizerSchedule([Schedule.CosineAnnealing(peak, 0, length).WithWarmup(5)]).WithPlateau(new ReduceOnPlateauOptions { Factor = factor, Patience = patience }),
                "cosine+plateau " + ScheduleGen.Show(peak, length, factor, patience))),
        Gen.Select(Gen.Double[0, 1].Array[1, 3], Gen.Double[0.01, 0.99], Gen.Int[0, 4], Gen.Bool)
            .Select((rates, factor, patience, loss) => (
                OptimizerSchedule.ConstantWithPlateau(
                    new ReduceOnPlateauOptions { Factor = factor, Patience = patience, Monitor = loss ? PlateauMonitor.TrainingLoss : PlateauMonitor.ReportedMetric, LossWindow = 2 },
                    rates),
                "ReduceLROnPlateau " + ScheduleGen.Show([factor, patience, .. rates]))),
        Gen.Select(ScheduleGen.Value, ScheduleGen.Length)
            .Select((peak, period) => (
                new OptimizerSchedule(
                    [Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0, MaxLearningRate = peak, StepSizeUp = period })],
                    [Schedule.CyclicMomentum(new CyclicOptions { BaseLearningRate = 0, MaxLearningRate = peak, StepSizeUp = period })]),
                "cyclic with momentum " + ScheduleGen.Show(peak, period))));

    private static Gen<(Func<IBatchSizePolicy> Create, string Description)> Policies() => Gen.OneOf(
        Gen.Int[1, 256].Select(b => ((Func<IBatchSizePolicy>)(() => BatchSizePolicy.Fixed(b)), "fixed " + b)),
        Gen.Select(Gen.Int[1, 64], Gen.Double[1.1, 3]).Select((b, f) => ((Func<IBatchSizePolicy>)(() => BatchSizePolicy.Geometric(b, f, 3, 4096, ProgressClock.Steps)), "geometric " + b + " " + f)),
        Gen.Select(Gen.Int[2, 64], Gen.Int[1, 5]).Select((b, interval) => ((Func<IBatchSizePolicy>)(() =>
            BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = b, UpdateInterval = interval, Constraints = new BatchSizeConstraints(maximum: 4096) })), "noise " + b + " " + interval)),
        Gen.Select(Gen.Int[2, 64], Gen.Int[1, 5]).Select((b, interval) => ((Func<IBatchSizePolicy>)(() =>
            BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = b, UpdateInterval = interval, Constraints = new BatchSizeConstraints(maximum: 4096) })), "goodput " + b + " " + interval)),
        Gen.Select(Gen.Int[1, 64], Gen.Double[1.1, 3], Gen.Int[0, 3]).Select((b, f, patience) => ((Func<IBatchSizePolicy>)(() =>
            BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(b, new BatchSizeConstraints(maximum: 4096)), new PlateauBatchSizeOptions { Factor = f, Patience = patience })), "plateau batch " + b + " " + f)));
}
