using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Planning;

public class TrainingPlannerTests
{
    private static OptimizerSchedule Single(LearningRateSchedule schedule) => new([schedule]);

    [Fact]
    public void Complete_VaryingBatch_KeepsEveryClockRight()
    {
        // Batch 100 for two steps, then 300; dataset of 1000 samples: epoch = samples / 1000.
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = Single(Schedule.Constant(0.1)),
            BatchSize = BatchSizePolicy.Steps([2.0], [100, 300]),
            DatasetSize = 1000,
        });

        long samples = 0;
        for (int step = 0; step < 6; step++)
        {
            StepPlan plan = planner.Plan();
            plan.Batch.GlobalBatchSize.Should().Be(step < 2 ? 100 : 300);
            int consumed = plan.Batch.GlobalBatchSize;
            samples += consumed;
            planner.Complete(new StepOutcome(consumed) { Tokens = consumed * 10 });
            planner.Progress.Should().Be(new TrainingProgress(step + 1, samples, samples * 10, samples / 1000.0));
        }

        // 100 + 100 + 4 · 300 = 1400 samples: 1.4 epochs after 6 steps, not 6 / 10.
        planner.Progress.Epoch.Should().Be(1.4);
    }

    [Fact]
    public void Plan_BatchBeyondMicroBatchLimit_AccumulatesAcrossReplicas()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = Single(Schedule.Constant(0.1)),
            BatchSize = BatchSizePolicy.Fixed(1024, new BatchSizeConstraints(replicas: 4)),
            MaxMicroBatchSize = 64,
        });

        BatchPlan plan = planner.Plan().Batch;

        // 1024 / 4 replicas = 256 per replica, 64 at a time: 4 accumulation steps of 64.
        plan.Should().Be(BatchPlan.Create(1024, 64, 4));
        (plan.Replicas, plan.AccumulationSteps, plan.MicroBatchSize).Should().Be((4, 4, 64));
    }

    [Fact]
    public void CoupledStrategy_DecayEquivalent_KeepsLearningRateOverBatchEqualToOriginalSchedule()
    {
        // η(s) on samples: 0.1 decayed by 0.5 every 2,000 samples. B0 = 32, Bmax = 256.
        LearningRateSchedule eta = Schedule.Step(0.1, 2000, 0.5).On(ProgressClock.Samples);
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = Single(eta),
            BatchSize = BatchSizePolicy.DecayEquivalent(eta, 32, 256),
            Scaling = LearningRateScaling.Linear(32),
        });

        var sizes = new List<int>();
        for (int step = 0; step < 400; step++)
        {
            StepPlan plan = planner.Plan();
            double samples = planner.Progress.Samples;
            double expectedRatio = eta.Evaluate(samples) / 32;
            (plan.LearningRate / plan.Batch.GlobalBatchSize).Should().BeApproximately(expectedRatio, 1e-12 * expectedRatio);
            sizes.Add(plan.Batch.GlobalBatchSize);
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
        }

        // The batch doubles where η halves (32, 64, 128, 256), then the decay moves to the learning rate.
        sizes.Distinct().Should().Equal(32, 64, 128, 256);
        planner.Plan().LearningRate.Should().BeLessThan(0.1 * 256 / 32 / 2);
    }

    [Fact]
    public void PeriodicStrategy_CyclicBatch_RepeatsEachPeriod()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = Single(Schedule.Constant(0.05)),
            BatchSize = BatchSizePolicy.Cyclic(32, 128, period: 20),
        });

        var sizes = new List<int>();
        for (int step = 0; step < 60; step++)
        {
            StepPlan plan = planner.Plan();
            sizes.Add(plan.Batch.GlobalBatchSize);
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
        }

        // Triangle 32 → 128 → 32 over 20 steps: step 10 is the peak, and the cycle repeats exactly.
        sizes[0].Should().Be(32);
        sizes[10].Should().Be(128);
        sizes.Skip(20).Take(20).Should().Equal(sizes.Take(20));
        sizes.Skip(40).Should().Equal(sizes.Take(20));
    }

    [Fact]
    public void ValidationDrivenStrategy_PlateauGrowsBatch_AndReducesLearningRate()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions { Patience = 1, Factor = 0.5 }, [0.1]),
            BatchSize = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(64), new PlateauBatchSizeOptions { Patience = 1, Factor = 2 }),
        });

        // Validation loss every step: improves twice, then stalls.
        double[] losses = [1.0, 0.8, 0.8, 0.8, 0.8, 0.8];
        var seen = new List<(int Batch, double Lr)>();
        foreach (double loss in losses)
        {
            StepPlan plan = planner.Plan();
            seen.Add((plan.Batch.GlobalBatchSize, plan.LearningRate));
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
            planner.Report(loss);
        }

        // Patience 1: the second bad report (after step 3) triggers both; the count resets, so again after step 5.
        seen.Should().Equal((64, 0.1), (64, 0.1), (64, 0.1), (64, 0.1), (128, 0.05), (128, 0.05));
        planner.Plan().Batch.GlobalBatchSize.Should().Be(256);
        planner.Plan().LearningRate.Should().Be(0.025);
    }

    [Fact]
    public void AdaScale_AdvancesScheduleByGainPerStep()
    {
        // |G|² = 0.5, tr(Σ) = 64 fed exactly; B_ref = 16, B = 64 → r = 3 (see AdaScaleTests).
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = Single(Schedule.Linear(1.0, 0.0, 100)),
            BatchSize = BatchSizePolicy.Fixed(64),
            Scaling = LearningRateScaling.AdaScale(16),
            NoiseDecay = 0.0,
        });
        var exact = new GradientStatistics(16, 0.5 + (64.0 / 16), 64, 0.5 + (64.0 / 64));

        planner.Plan().LearningRateFactor.Should().Be(1.0, "no noise is known before the first step");
        planner.Complete(new StepOutcome(64) { Gradients = exact });
        planner.State.SchedulePosition.Should().Be(1.0);
        StepPlan plan = planner.Plan();
        plan.LearningRateFactor.Should().BeApproximately(3.0, 1e-12);
        plan.LearningRate.Should().BeApproximately(3.0 * (1.0 - (1.0 / 100)), 1e-12);
        planner.Complete(new StepOutcome(64) { Gradients = exact });
        planner.State.SchedulePosition.Should().BeApproximately(4.0, 1e-12);
    }

    [Fact]
    public void PlanAndComplete_AfterWarmup_AllocateNothing()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = Single(Schedule.CosineAnnealing(0.1, 0.0, 10_000).WithWarmup(100)),
            BatchSize = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 10 }),
            Scaling = LearningRateScaling.AdaScale(32),
            MaxMicroBatchSize = 16,
        });
        var outcome = new StepOutcome(32) { Gradients = new GradientStatistics(8, 2.0, 32, 1.0), Seconds = 0.1 };
        planner.Complete(outcome);

        long before = GC.GetAllocatedBytesForCurrentThread();
        double sink = 0;
        for (int i = 0; i < 1000; i++)
        {
            StepPlan plan = planner.Plan();
            sink += plan.LearningRate + plan.Batch.MicroBatchSize;
            planner.Complete(outcome with { Samples = plan.Batch.GlobalBatchSize });
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        sink.Should().BeGreaterThan(0);
    }

    [Fact]
    public void AdaScale_WithScheduleOnSamples_IsRejected()
    {
        var act = () => new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = Single(Schedule.Constant(0.1).On(ProgressClock.Samples)),
            BatchSize = BatchSizePolicy.Fixed(8),
            Scaling = LearningRateScaling.AdaScale(8),
        });

        act.Should().Throw<ArgumentException>().WithMessage("*Scaling*steps clock*");
    }

    [Fact]
    public void Report_NaNMetric_IsRefusedAndChangesNothing()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions(), [0.1]),
            BatchSize = BatchSizePolicy.Fixed(8),
        });
        planner.Complete(new StepOutcome(8));
        planner.Report(1.0);
        string before = JsonSerializer.Serialize(planner.State);

        var act = () => planner.Report(double.NaN);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("metric").WithMessage("*NaN*refused*");
        JsonSerializer.Serialize(planner.State).Should().Be(before);
    }

    [Fact]
    public void Constructor_StateWithBadPlateau_LeavesThePolicyAsItWas()
    {
        var policy = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(32), new PlateauBatchSizeOptions());
        TrainingPlannerOptions Options() => new() { Schedule = OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions(), [0.1]), BatchSize = policy };
        var good = new TrainingPlanner(Options()).State;
        var bad = good with
        {
            BatchSize = good.BatchSize! with { Values = new Dictionary<string, double>(good.BatchSize.Values) { ["multiplier"] = 16 } },
            Plateau = good.Plateau! with { LearningRates = [0.1, 0.2] },
        };

        var act = () => new TrainingPlanner(Options(), bad);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state.LearningRates.Count");
        policy.GetBatchSize(default).Should().Be(32, "a failed resume restores both parts or neither");
        new TrainingPlanner(Options()).Plan().Batch.GlobalBatchSize.Should().Be(32);
    }

    [Fact]
    public void Constructor_StateWithoutNoise_Throws()
    {
        var options = new TrainingPlannerOptions { Schedule = Single(0.1), BatchSize = BatchSizePolicy.Fixed(8) };
        var state = new TrainingPlanner(options).State with { Noise = null! };

        var act = () => new TrainingPlanner(options, state);

        act.Should().Throw<ArgumentNullException>().WithParameterName("state.Noise");
    }

    [Fact]
    public void Constructor_StateWithNegativeStep_NamesTheField()
    {
        var options = new TrainingPlannerOptions { Schedule = Single(0.1), BatchSize = BatchSizePolicy.Fixed(8) };
        var state = new TrainingPlanner(options).State with { Step = -1 };

        var act = () => new TrainingPlanner(options, state);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state.Step");
    }

    [Fact]
    public void Complete_ZeroSamples_Throws()
    {
        var planner = new TrainingPlanner(new TrainingPlannerOptions { Schedule = Single(0.1), BatchSize = BatchSizePolicy.Fixed(8) });

        var act = () => planner.Complete(new StepOutcome(0));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("outcome.Samples");
        planner.Progress.Step.Should().Be(0);
    }

    [Fact]
    public void Constructor_MissingParts_ReportsEveryBrokenRule()
    {
        var act = () => new TrainingPlanner(new TrainingPlannerOptions { MaxMicroBatchSize = 0 });

        act.Should().Throw<ArgumentException>()
            .WithMessage("*options.Schedule*set*")
            .WithMessage("*options.BatchSize*set*")
            .WithMessage("*options.MaxMicroBatchSize' is 0*");
    }

    [Fact]
    public void State_ResumeFromEveryStepOfThousandStepRun_ReproducesThePlans()
    {
        TrainingPlannerOptions Options() => new()
        {
            Schedule = new OptimizerSchedule(
                [Schedule.CosineAnnealing(0.1, 0.001, 1000).WithWarmup(50), Schedule.CosineAnnealing(0.01, 0.0, 1000).WithWarmup(50)]),
            BatchSize = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 25, Constraints = new BatchSizeConstraints(multiple: 8, maximum: 1024) }),
            Scaling = LearningRateScaling.SquareRoot(32),
            DatasetSize = 5000,
            MaxMicroBatchSize = 96,
        };

        var gradients = new Feedback.SyntheticGradientsForPlanner(seed: 11);
        var outcomes = Enumerable.Range(0, 1000).Select(step =>
        {
            var (small, large) = gradients.Draw();
            return new StepOutcome(1) { Gradients = new GradientStatistics(8, small, 64, large) };
        }).ToArray();
        double?[] metrics = Enumerable.Range(0, outcomes.Length).Select(step => step % 10 == 9 ? 1.0 / (step + 1) : (double?)null).ToArray();

        // One uninterrupted run, recording every plan and the state before every step.
        var planner = new TrainingPlanner(Options());
        var plans = new List<(BatchPlan Batch, double Lr0, double Lr1)>();
        var states = new List<string>();
        for (int step = 0; step < outcomes.Length; step++)
        {
            states.Add(JsonSerializer.Serialize(planner.State));
            StepPlan plan = planner.Plan();
            plans.Add((plan.Batch, plan.GetLearningRate(0), plan.GetLearningRate(1)));
            planner.Complete(outcomes[step] with { Samples = plan.Batch.GlobalBatchSize });
            ReportIfAny(planner, metrics[step]);
        }

        plans.Select(p => p.Batch.GlobalBatchSize).Distinct().Count().Should().BeGreaterThan(1, "the noise-adaptive policy must actually move");

        // Resume from every step; every later plan, to the end of the run, must equal the original run's.
        for (int start = 0; start < outcomes.Length; start++)
        {
            var resumed = new TrainingPlanner(Options(), JsonSerializer.Deserialize<TrainingPlannerState>(states[start]));
            for (int step = start; step < outcomes.Length; step++)
            {
                StepPlan plan = resumed.Plan();
                (plan.Batch, plan.GetLearningRate(0), plan.GetLearningRate(1)).Should().Be(plans[step], "resuming at step {0}", start);
                resumed.Complete(outcomes[step] with { Samples = plan.Batch.GlobalBatchSize });
                ReportIfAny(resumed, metrics[step]);
            }
        }
    }

    [Theory]
    [InlineData("goodput")]
    [InlineData("plateau")]
    public void State_ResumeFromEveryStep_WithReactiveParts_ReproducesThePlans(string policyKind)
    {
        // A reduce-on-plateau learning rate with a goodput or plateau batch policy: every reactive part has state.
        TrainingPlannerOptions Options() => new()
        {
            Schedule = OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions { Patience = 2, Factor = 0.5, Cooldown = 1 }, [0.1, 0.05]),
            BatchSize = policyKind == "goodput"
                ? BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 7, Constraints = new BatchSizeConstraints(maximum: 1024) })
                : BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(16, new BatchSizeConstraints(maximum: 512)), new PlateauBatchSizeOptions { Patience = 3 }),
            DatasetSize = 3000,
        };

        var gradients = new Feedback.SyntheticGradientsForPlanner(seed: 3);
        var random = new Random(9);
        var outcomes = Enumerable.Range(0, 300).Select(step =>
        {
            var (small, large) = gradients.Draw();
            return new StepOutcome(1)
            {
                Gradients = new GradientStatistics(8, small, 64, large),
                Seconds = 0.01 + (0.001 * random.NextDouble()),
            };
        }).ToArray();
        double?[] metrics = Enumerable.Range(0, outcomes.Length).Select(step => step % 3 == 2 ? 1.0 + random.NextDouble() : (double?)null).ToArray();

        var planner = new TrainingPlanner(Options());
        var plans = new List<(BatchPlan Batch, double Lr0, double Lr1)>();
        var states = new List<string>();
        for (int step = 0; step < outcomes.Length; step++)
        {
            states.Add(JsonSerializer.Serialize(planner.State));
            StepPlan plan = planner.Plan();
            plans.Add((plan.Batch, plan.GetLearningRate(0), plan.GetLearningRate(1)));
            planner.Complete(outcomes[step] with { Samples = plan.Batch.GlobalBatchSize, Seconds = outcomes[step].Seconds * plan.Batch.GlobalBatchSize });
            ReportIfAny(planner, metrics[step]);
        }

        plans.Select(p => p.Lr0).Distinct().Count().Should().BeGreaterThan(1, "the plateau schedule must actually reduce");
        plans.Select(p => p.Batch.GlobalBatchSize).Distinct().Count().Should().BeGreaterThan(1, "the policy must actually move");

        for (int start = 0; start < outcomes.Length; start += 7)
        {
            var resumed = new TrainingPlanner(Options(), JsonSerializer.Deserialize<TrainingPlannerState>(states[start]));
            for (int step = start; step < outcomes.Length; step++)
            {
                StepPlan plan = resumed.Plan();
                (plan.Batch, plan.GetLearningRate(0), plan.GetLearningRate(1)).Should().Be(plans[step], "resuming at step {0}", start);
                resumed.Complete(outcomes[step] with { Samples = plan.Batch.GlobalBatchSize, Seconds = outcomes[step].Seconds * plan.Batch.GlobalBatchSize });
                ReportIfAny(resumed, metrics[step]);
            }
        }
    }

    private static void ReportIfAny(TrainingPlanner planner, double? metric)
    {
        if (metric is { } value)
        {
            planner.Report(value);
        }
    }
}
