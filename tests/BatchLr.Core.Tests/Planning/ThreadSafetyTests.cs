using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Configuration;
using BatchLr.Core.Tests.Configuration;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Feedback;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Planning;

/// <summary>
/// The thread-safety rules the XML docs state: schedules, closed-form policies, scaling rules and specs are immutable and
/// answer many threads at once as they answer one; a planner and an adaptive policy belong to one loop, and what the
/// options may share (the schedule with its plateau part, a closed-form policy, the scaling rule) gives each planner, on
/// its own thread, the plans it makes alone.
/// </summary>
public class ThreadSafetyTests
{
    private const int Threads = 8;

    private static readonly double[] Positions = [.. Enumerable.Range(0, 400).Select(i => i * 0.75), 1e6, 1e9, 1e15];

    public static IEnumerable<object[]> ClosedFormSpecs() =>
        SpecCorpus.ScheduleBases.Where(p => !SpecCatalog.Lookup(p.Key).Reactive).Select(p => new object[] { p.Key, p.Value });

    [Theory]
    [MemberData(nameof(ClosedFormSpecs))]
    public void OptimizerSchedule_EverySpecType_ManyThreadsAtOnceEqualSequential(string type, string json)
    {
        OptimizerSchedule schedule = ScheduleSpec.Parse(json).Build();
        double[] expected = Positions.Select(p => schedule.GetLearningRateAt(0, p)).ToArray();

        double[][] seen = Concurrently.Run(Threads, thread =>
        {
            var values = new double[Positions.Length];
            for (int round = 0; round < 10; round++)
            {
                for (int k = 0; k < Positions.Length; k++)
                {
                    int i = (k * (thread + 1) * 7919) % Positions.Length; // a different order on every thread
                    values[i] = schedule.GetLearningRateAt(0, Positions[i]);
                }
            }

            return values;
        });

        foreach (double[] values in seen)
        {
            values.Should().Equal(expected, "{0} is immutable", type);
        }
    }

    [Fact]
    public void ClosedFormPolicies_ManyThreadsAtOnce_EqualSequential()
    {
        IBatchSizePolicy[] policies =
        [
            BatchSizePolicy.Steps([10.0, 200.0], [32, 64, 128]),
            BatchSizePolicy.LinearRamp(32, 32, 10_000, 512),
            BatchSizePolicy.TokenRamp(32, 256, 1_000_000),
            BatchSizePolicy.Geometric(16, 2, 3, 4096, ProgressClock.Steps),
            BatchSizePolicy.Cyclic(16, 256, 40),
            BatchSizePolicy.DecayEquivalent(Schedule.CosineAnnealing(0.1, 0.001, 300), 32, 1024, new BatchSizeConstraints(multiple: 8)),
        ];
        TrainingProgress[] points = Enumerable.Range(0, 500).Select(s => new TrainingProgress(s, s * 40L, s * 4096L, s / 50.0)).ToArray();

        foreach (IBatchSizePolicy policy in policies)
        {
            int[] expected = points.Select(p => policy.GetBatchSize(p)).ToArray();
            int[][] seen = Concurrently.Run(Threads, thread => points.Reverse().Skip(thread).Concat(points.Reverse().Take(thread)).Select(p => (Index: Array.IndexOf(points, p), Size: policy.GetBatchSize(p))).OrderBy(r => r.Index).Select(r => r.Size).ToArray());
            foreach (int[] sizes in seen)
            {
                sizes.Should().Equal(expected);
            }
        }
    }

    [Fact]
    public void SharedScheduleWithPlateauPolicyAndScaling_PlannersOnManyThreads_EachPlansAsAlone()
    {
        // One OptimizerSchedule with a reduce-on-plateau part, one closed-form policy and one scaling rule, shared by eight
        // planners at once. Each thread reports its own metrics, so the plateaus (kept in each planner) differ between threads;
        // each planner's plans must be those it makes when it runs alone.
        OptimizerSchedule schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.001, 500).WithWarmup(20), Schedule.Constant(0.01)])
            .WithPlateau(new ReduceOnPlateauOptions { Factor = 0.5, Patience = 2 });
        IBatchSizePolicy policy = BatchSizePolicy.Geometric(32, 2, 50, 1024, ProgressClock.Steps);
        ILearningRateScaling scaling = LearningRateScaling.SquareRoot(32);
        TrainingPlannerOptions Options() => new() { Schedule = schedule, BatchSize = policy, Scaling = scaling, DatasetSize = 10_000 };

        List<StepPlan>[] alone = Enumerable.Range(0, Threads).Select(thread => Train(new TrainingPlanner(Options()), thread)).ToArray();
        List<StepPlan>[] together = Concurrently.Run(Threads, thread => Train(new TrainingPlanner(Options()), thread));

        for (int thread = 0; thread < Threads; thread++)
        {
            together[thread].Should().Equal(alone[thread], "planner {0} shares only immutable parts", thread);
        }

        alone.Select(plans => string.Join(",", plans.Select(p => p.LearningRate))).Distinct().Should().HaveCount(Threads, "the threads' metrics differ, so their plateaus do");
    }

    [Fact]
    public void SharedSpec_BuildsOnManyThreads_EachPlannerWithItsOwnAdaptivePolicyPlansAsAlone()
    {
        // BuildPlannerOptions gives every caller a fresh adaptive policy, so planners built from one spec on many threads at
        // once never share state.
        ScheduleSpec spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "cosine", "num_warmup_steps": 10, "num_training_steps": 300}, "batch": {"type": "noise_adaptive", "initial_batch_size": 32, "update_interval": 5, "max_batch_size": 2048}, "scaling": {"type": "sqrt", "reference_batch_size": 32}}""");

        List<StepPlan>[] alone = Enumerable.Range(0, Threads).Select(thread => Train(new TrainingPlanner(spec.BuildPlannerOptions()), thread)).ToArray();
        (List<StepPlan> Plans, IBatchSizePolicy Policy)[] together = Concurrently.Run(Threads, thread =>
        {
            TrainingPlannerOptions options = spec.BuildPlannerOptions();
            return (Train(new TrainingPlanner(options), thread), options.BatchSize!);
        });

        for (int thread = 0; thread < Threads; thread++)
        {
            together[thread].Plans.Should().Equal(alone[thread]);
        }

        together.Select(t => t.Policy).Distinct().Should().HaveCount(Threads, "each build gives a fresh policy");
        alone.Select(plans => string.Join(",", plans.Select(p => p.Batch.GlobalBatchSize))).Distinct().Count().Should().BeGreaterThan(1, "the threads' noise differs, so their batches do");
    }

    /// <summary>Runs 120 steps with a metric stream and gradient norms that depend on the thread.</summary>
    private static List<StepPlan> Train(TrainingPlanner planner, int thread)
    {
        var plans = new List<StepPlan>();
        for (int step = 0; step < 120; step++)
        {
            StepPlan plan = planner.Plan();
            plans.Add(plan);
            // Norms of a gradient with |G|² = 1 and tr(Σ) = 100 (t + 1): E|g_b|² = 1 + tr(Σ) / b at b samples, and the first
            // micro-batch's buffer holds w₀ · g₀ with w₀ = m / B.
            double trace = 100.0 * (thread + 1);
            double m = plan.Batch.MicroBatchSize;
            double b = plan.Batch.PerReplicaBatchSize;
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize)
            {
                Loss = 1.0,
                Gradients = GradientStatistics.FromMicroBatches(plan.Batch, m / b * (m / b) * (1 + (trace / m)), 1 + (trace / b)),
            });

            // Thread t improves for t reports, then stalls: the plateau comes later on later threads.
            planner.Report(step <= 3 * thread ? 1.0 / (step + 1) : 1.0);
        }

        return plans;
    }
}
