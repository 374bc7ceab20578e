using System;
using System.Collections.Generic;
using System.Text.Json;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Planning;

/// <summary>State that checks itself: value equality, JSON with a version, and a fingerprint of the configuration.</summary>
public class TrainingPlannerStateTests
{
    private static TrainingPlannerOptions Composed() => new()
    {
        Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.001, 200).WithWarmup(20)]).WithPlateau(new ReduceOnPlateauOptions { Patience = 1, Factor = 0.5 }),
        BatchSize = BatchSizePolicy.OnPlateau(
            BatchSizePolicy.Geometric(16, 2, 1, 256, ProgressClock.Epochs),
            new PlateauBatchSizeOptions { Patience = 2, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 3 }),
        Scaling = LearningRateScaling.SquareRoot(16),
        DatasetSize = 640,
        MaxMicroBatchSize = 48,
        Duration = TrainingDuration.Epochs(6),
        EvaluationInterval = TrainingDuration.Epochs(0.5),
    };

    private static void Step(TrainingPlanner planner, StepPlan plan, Random random)
    {
        planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Loss = 1.0 + random.NextDouble() });
        if (plan.IsEvaluationPoint)
        {
            planner.Report(1.0 + (0.1 * random.NextDouble()));
        }
    }

    [Fact]
    public void State_ComposedReactiveParts_ResumedFromJsonAtEveryStep_PlansIdentically()
    {
        var random = new Random(17);
        var planner = new TrainingPlanner(Composed());
        var plans = new List<StepPlan>();
        var states = new List<string>();
        var seeds = new List<int>();
        while (!planner.IsComplete)
        {
            states.Add(planner.State.ToJson());
            seeds.Add(random.Next());
            StepPlan plan = planner.Plan();
            plans.Add(plan);
            Step(planner, plan, new Random(seeds[^1]));
        }

        planner.State.Plateau!.LearningRates[0].Should().BeLessThan(1, "the rate's plateau must fire during the run");
        planner.State.BatchSize!.Values["multiplier"].Should().BeGreaterThan(1, "the batch's plateau must fire during the run");
        planner.Progress.Samples.Should().Be(6 * 640);

        for (int start = 0; start < plans.Count; start += 3)
        {
            var resumed = new TrainingPlanner(Composed(), TrainingPlannerState.FromJson(states[start]));
            for (int step = start; step < plans.Count; step++)
            {
                StepPlan plan = resumed.Plan();
                plan.Should().Be(plans[step], "resuming at step {0}, step {1}", start, step);
                Step(resumed, plan, new Random(seeds[step]));
            }

            resumed.IsComplete.Should().BeTrue();
        }
    }

    [Fact]
    public void State_EqualsItselfAndItsJsonRoundTrip()
    {
        var planner = new TrainingPlanner(Composed());
        var random = new Random(5);
        for (int i = 0; i < 25; i++)
        {
            Step(planner, planner.Plan(), random);
        }

        TrainingPlannerState state = planner.State;

        (planner.State == planner.State).Should().BeTrue();
        TrainingPlannerState.FromJson(state.ToJson()).Should().Be(state);
        JsonSerializer.Deserialize<TrainingPlannerState>(JsonSerializer.Serialize(state)).Should().Be(state);
        state.Should().NotBe(state with { Plateau = state.Plateau! with { LearningRates = [0.25] } });
    }

    [Fact]
    public void ToJson_WritesTheVersionAndTheFingerprint()
    {
        TrainingPlannerState state = new TrainingPlanner(Composed()).State;

        using JsonDocument json = JsonDocument.Parse(state.ToJson());

        json.RootElement.GetProperty("Version").GetInt32().Should().Be(TrainingPlannerState.CurrentVersion);
        json.RootElement.GetProperty("Fingerprint").GetString().Should().MatchRegex("^[0-9a-f]{16}$");
    }

    [Theory]
    [InlineData("""{"Step": 0}""", "*no 'Version'*")]
    [InlineData("""{"Version": 2, "Step": 0}""", "*'Version' is 2*reads version 1*")]
    [InlineData("""[1, 2]""", "*no 'Version'*")]
    [InlineData("""{"Version": 1, "Step": "x"}""", "*not valid*")]
    [InlineData("""{"Version": 1, """, "*not valid*")]
    public void FromJson_NotAStateOfThisVersion_ThrowsSayingWhy(string json, string message)
    {
        var act = () => TrainingPlannerState.FromJson(json);

        act.Should().Throw<ArgumentException>().WithParameterName(nameof(json)).WithMessage(message);
    }

    [Fact]
    public void Constructor_StateOfAnotherConfiguration_IsRefusedWithAWayOut()
    {
        TrainingPlannerState state = new TrainingPlanner(Composed()).State;
        TrainingPlannerOptions other = Composed();
        other.Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.001, 300).WithWarmup(20)]).WithPlateau(new ReduceOnPlateauOptions { Patience = 1, Factor = 0.5 });

        var act = () => new TrainingPlanner(other, state);

        act.Should().Throw<ArgumentException>().WithParameterName("state").WithMessage("*Fingerprint*configured otherwise*Fingerprint = null*");
        new TrainingPlanner(other, state with { Fingerprint = null }).Progress.Step.Should().Be(0, "a cleared fingerprint resumes without the check");
    }

    [Theory]
    [InlineData("patience")]
    [InlineData("dataset")]
    [InlineData("duration")]
    [InlineData("micro")]
    [InlineData("batch")]
    public void Fingerprint_ChangesWithEveryPartOfTheConfiguration(string part)
    {
        TrainingPlannerOptions changed = Composed();
        switch (part)
        {
            case "patience":
                changed.Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.001, 200).WithWarmup(20)]).WithPlateau(new ReduceOnPlateauOptions { Patience = 2, Factor = 0.5 });
                break;
            case "dataset":
                changed.DatasetSize = 641;
                break;
            case "duration":
                changed.Duration = TrainingDuration.Epochs(7);
                break;
            case "micro":
                changed.MaxMicroBatchSize = 32;
                break;
            default:
                changed.BatchSize = BatchSizePolicy.Geometric(16, 2, 2, 256, ProgressClock.Epochs);
                break;
        }

        new TrainingPlanner(changed).State.Fingerprint.Should().NotBe(new TrainingPlanner(Composed()).State.Fingerprint);
        new TrainingPlanner(Composed()).State.Fingerprint.Should().Be(new TrainingPlanner(Composed()).State.Fingerprint, "the same configuration built twice");
    }

    [Fact]
    public void Fingerprint_EachFieldAlone_GivesItsOwnFingerprint()
    {
        // Every field a resumed planner depends on goes into the fingerprint: changing any one alone gives a fingerprint no
        // other configuration here has.
        static TrainingPlannerOptions With(
            Action<ReduceOnPlateauOptions>? plateau = null,
            Action<PlateauBatchSizeOptions>? batchPlateau = null,
            Func<LearningRateSchedule>? schedule = null,
            BatchSizeConstraints? constraints = null,
            Action<TrainingPlannerOptions>? options = null,
            int groups = 1)
        {
            var reduce = new ReduceOnPlateauOptions { Patience = 1, Factor = 0.5 };
            plateau?.Invoke(reduce);
            var grow = new PlateauBatchSizeOptions { Patience = 2, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 3 };
            batchPlateau?.Invoke(grow);
            LearningRateSchedule rate = schedule?.Invoke() ?? Schedule.CosineAnnealing(0.1, 0.001, 200).WithWarmup(20);
            var built = new TrainingPlannerOptions
            {
                Schedule = new OptimizerSchedule([.. System.Linq.Enumerable.Repeat(rate, groups)]).WithPlateau(reduce),
                BatchSize = BatchSizePolicy.OnPlateau(BatchSizePolicy.Geometric(16, 2, 1, 256, ProgressClock.Epochs, constraints), grow),
                Scaling = LearningRateScaling.SquareRoot(16),
                DatasetSize = 640,
                MaxMicroBatchSize = 48,
                Duration = TrainingDuration.Epochs(6),
                EvaluationInterval = TrainingDuration.Epochs(0.5),
            };
            options?.Invoke(built);
            return built;
        }

        var variants = new Dictionary<string, TrainingPlannerOptions>
        {
            ["base"] = With(),
            ["two groups"] = With(groups: 2),
            ["schedule past 1e6"] = With(schedule: () => Schedule.Sequence([Schedule.CosineAnnealing(0.1, 0.001, 200).WithWarmup(20), Schedule.Constant(0.002)], [2_000_000], restartClocks: false)),
            ["plateau mode"] = With(plateau: o => o.Mode = PlateauMode.Max),
            ["plateau patience"] = With(plateau: o => o.Patience = 4),
            ["plateau threshold"] = With(plateau: o => o.Threshold = 0.01),
            ["plateau threshold mode"] = With(plateau: o => o.ThresholdMode = ThresholdMode.Absolute),
            ["plateau cooldown"] = With(plateau: o => o.Cooldown = 2),
            ["plateau monitor"] = With(plateau: o => o.Monitor = PlateauMonitor.TrainingLoss),
            ["plateau loss window"] = With(plateau: o => o.LossWindow = 7),
            ["plateau factor"] = With(plateau: o => o.Factor = 0.25),
            ["plateau eps"] = With(plateau: o => o.Eps = 1e-3),
            ["plateau minimum rate"] = With(plateau: o => o.MinLearningRates = [1e-4]),
            ["batch plateau patience"] = With(batchPlateau: o => o.Patience = 5),
            ["batch plateau factor"] = With(batchPlateau: o => o.Factor = 4),
            ["batch plateau window"] = With(batchPlateau: o => o.LossWindow = 9),
            ["batch minimum"] = With(constraints: new BatchSizeConstraints(minimum: 8)),
            ["batch maximum"] = With(constraints: new BatchSizeConstraints(maximum: 128)),
            ["batch multiple"] = With(constraints: new BatchSizeConstraints(multiple: 8)),
            ["batch replicas"] = With(constraints: new BatchSizeConstraints(replicas: 2)),
            ["batch elastic"] = With(constraints: new BatchSizeConstraints(elasticReplicaCounts: [1, 2])),
            ["linear scaling"] = With(options: o => o.Scaling = LearningRateScaling.Linear(16)),
            ["scaling reference"] = With(options: o => o.Scaling = LearningRateScaling.SquareRoot(32)),
            ["noise adaptive"] = With(options: o => o.BatchSize = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 16 })),
            ["goodput"] = With(options: o => o.BatchSize = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 16 })),
            ["dataset"] = With(options: o => o.DatasetSize = 641),
            ["micro-batch"] = With(options: o => o.MaxMicroBatchSize = 32),
            ["noise decay"] = With(options: o => o.NoiseDecay = 0.99),
            ["epoch boundary"] = With(options: o => o.EpochBoundary = EpochBoundary.Keep),
            ["regrowth"] = With(options: o => o.MicroBatchRegrowthInterval = 10),
            ["duration"] = With(options: o => o.Duration = TrainingDuration.Epochs(7)),
            ["evaluation"] = With(options: o => o.EvaluationInterval = TrainingDuration.Epochs(0.25)),
        };

        var fingerprints = new Dictionary<string, string>();
        foreach ((string name, TrainingPlannerOptions options) in variants)
        {
            string fingerprint = new TrainingPlanner(options).State.Fingerprint!;
            fingerprints.Should().NotContainValue(fingerprint, name + " must differ from every other variant");
            fingerprints[name] = fingerprint;
        }

        new TrainingPlanner(With()).State.Fingerprint.Should().Be(fingerprints["base"], "the same configuration built twice");
    }

    [Fact]
    public void Constructor_StateOfAnotherVersion_IsRefused()
    {
        TrainingPlannerState state = new TrainingPlanner(Composed()).State with { Version = 99 };

        var act = () => new TrainingPlanner(Composed(), state);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state.Version");
    }

    [Fact]
    public void Constructor_StateOfAnotherSpec_IsRefused_AndTheSameSpecResumes()
    {
        const string Spec = """{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": 100}, "on_plateau": {"patience": PATIENCE}, "batch": {"type": "fixed", "batch_size": 8}, "duration": "100ba"}""";
        ScheduleSpec saved = ScheduleSpec.Parse(Spec.Replace("PATIENCE", "3", StringComparison.Ordinal));
        ScheduleSpec other = ScheduleSpec.Parse(Spec.Replace("PATIENCE", "4", StringComparison.Ordinal));
        var planner = new TrainingPlanner(saved.BuildPlannerOptions());
        planner.Complete(new StepOutcome(8));
        string json = planner.State.ToJson();

        var act = () => new TrainingPlanner(other.BuildPlannerOptions(), TrainingPlannerState.FromJson(json));

        act.Should().Throw<ArgumentException>().WithMessage("*configured otherwise*");
        new TrainingPlanner(ScheduleSpec.Parse(saved.ToJson()).BuildPlannerOptions(), TrainingPlannerState.FromJson(json)).Progress.Step.Should().Be(1);
    }
}
