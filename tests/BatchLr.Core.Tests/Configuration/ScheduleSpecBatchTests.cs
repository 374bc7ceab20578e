using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Configuration;
using BatchLr.Feedback;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration;

public class ScheduleSpecBatchTests
{
    private const string Constant = """{"lr": 0.1, "schedule": {"type": "constant"}""";

    public static TheoryData<string> ClosedFormTypes => [.. Cases.Keys];

    public static TheoryData<string> AllBatchJson =>
    [
        .. Cases.Values.Select(c => c.Json),
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32, "on_plateau": {"mode": "max", "threshold_mode": "abs", "cooldown": 2, "monitor": "loss", "loss_window": 20}}, "scaling": {"type": "sqrt", "reference_batch_size": 32}}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "noise_adaptive", "initial_batch_size": 32, "target_multiple": 0.5}, "scaling": {"type": "adascale", "reference_batch_size": 32}, "max_micro_batch_size": 8}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "goodput", "initial_batch_size": 32, "elastic_replica_counts": [2, 4]}, "scaling": {"type": "linear", "reference_batch_size": 32}}""",
    ];

    /// <summary>One spec per closed-form batch type, the same policy built in code, and its size at a point reasoned from the formula.</summary>
    private static Dictionary<string, BatchCase> Cases { get; } = new()
    {
        ["fixed"] = new(
            Spec("""{"type": "fixed", "batch_size": 64, "multiple": 8}"""),
            () => BatchSizePolicy.Fixed(64, new BatchSizeConstraints(multiple: 8)),
            [.. Steps(0, 1, 1000)],
            _ => 64),
        ["steps"] = new(
            Spec("""{"type": "steps", "milestones": [100, 300], "sizes": [32, 64, 128]}"""),
            () => BatchSizePolicy.Steps([100.0, 300.0], [32, 64, 128]),
            [.. Steps(0, 99, 100, 101, 299, 300, 5000)],
            p => p.Step < 100 ? 32 : p.Step < 300 ? 64 : 128),
        ["linear_ramp"] = new(
            Spec("""{"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": 1000, "target": 256}"""),
            () => BatchSizePolicy.LinearRamp(32, 32, 1000, 256),
            [.. Samples(0, 142, 143, 500, 857, 858, 1000, 1001, 100_000)],

            // Megatron: n = (256 - 32) / 32 = 7 increments, one every 1000 / 7 samples, then the target.
            p => p.Samples > 1000 ? 256 : 32 + ((int)Math.Floor(p.Samples / (1000.0 / 7)) * 32)),
        ["token_ramp"] = new(
            Spec("""{"type": "token_ramp", "start": 64, "target": 512, "ramp_tokens": 1000000, "multiple": 64}"""),
            () => BatchSizePolicy.TokenRamp(64, 512, 1_000_000, new BatchSizeConstraints(multiple: 64)),
            [.. Tokens(0, 100_000, 250_000, 500_000, 999_999, 1_000_000, 5_000_000)],

            // 64 + 448 · min(k, 1e6) / 1e6, then the nearest multiple of 64 (a tie goes to the smaller).
            p => NearestMultiple(64 + (448.0 * Math.Min(p.Tokens, 1_000_000) / 1_000_000), 64)),
        ["geometric"] = new(
            Spec("""{"type": "geometric", "initial": 32, "factor": 2, "interval": 1, "maximum": 256}"""),
            () => BatchSizePolicy.Geometric(32, 2, 1, 256),
            [.. new[] { 0, 0.5, 1, 1.99, 2, 2.5, 3, 4, 10 }.Select(e => new TrainingProgress(0, 0, 0, e))],

            // Smith et al.: 32 · 2^floor(epoch), capped at 256; the default clock is epochs.
            p => Math.Min(256, 32 << (int)Math.Min(10, Math.Floor(p.Epoch)))),
        ["cyclic"] = new(
            Spec("""{"type": "cyclic", "minimum": 32, "maximum": 96, "period": 20}"""),
            () => BatchSizePolicy.Cyclic(32, 96, 20),
            [.. Enumerable.Range(0, 45).Select(s => TrainingProgress.AtStep(s))],

            // Triangle: up over 10 steps, down over 10; x = s mod 20. The values are multiples of 6.4 above 32, never a tie.
            p => (int)Math.Round(32 + (64 * (1 - (Math.Abs((p.Step % 20) - 10) / 10.0))))),
        ["decay_equivalent"] = new(
            """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 10, "gamma": 0.5}, "batch": {"type": "decay_equivalent", "reference_batch_size": 64, "maximum_batch_size": 512}}""",
            () => BatchSizePolicy.DecayEquivalent(Schedule.Step(0.1, 10, 0.5), 64, 512),
            [.. Steps(0, 9, 10, 19, 20, 30, 39, 40, 100)],

            // Where StepLR halves the rate, the batch doubles: 64 · 2^floor(s / 10), capped at 512.
            p => (int)Math.Min(512, 64 * Math.Pow(2, p.Step / 10))),
    };

    [Fact]
    public void Cases_CoverEveryClosedFormBatchType()
    {
        Cases.Keys.Should().BeEquivalentTo(SpecCatalog.BatchTypes.Keys.Where(n => n is not ("noise_adaptive" or "goodput")));
    }

    [Theory]
    [MemberData(nameof(ClosedFormTypes))]
    public void BuildPlannerOptions_ClosedFormBatch_EqualsCodeBuiltPolicyAndFormula(string type)
    {
        BatchCase c = Cases[type];
        IBatchSizePolicy expected = c.Code();

        IBatchSizePolicy actual = ScheduleSpec.Parse(c.Json).BuildPlannerOptions().BatchSize!;

        actual.Constraints.Granularity.Should().Be(expected.Constraints.Granularity);
        actual.Constraints.HighestAllowed.Should().Be(expected.Constraints.HighestAllowed);
        foreach (TrainingProgress p in c.Points)
        {
            actual.GetBatchSize(p).Should().Be(expected.GetBatchSize(p), "{0} at {1}", type, p);
            actual.GetBatchSize(p).Should().Be(c.Formula(p), "{0} at {1}", type, p);
        }
    }

    [Fact]
    public void BuildPlannerOptions_ConstraintParameters_BuildTheConstraints()
    {
        // Granularity lcm(8, 4, 2, 3) = 24; the highest allowed size under 90 is 72.
        ScheduleSpec spec = ScheduleSpec.Parse(Spec(
            """{"type": "steps", "milestones": [10], "sizes": [30, 100], "min_batch_size": 20, "max_batch_size": 90, "multiple": 8, "replicas": 4, "elastic_replica_counts": [2, 3]}"""));

        IBatchSizePolicy policy = spec.BuildPlannerOptions().BatchSize!;

        policy.Constraints.Should().BeEquivalentTo(new BatchSizeConstraints(20, 90, 8, 4, [2, 3]));
        policy.Constraints.Granularity.Should().Be(24);
        policy.GetBatchSize(TrainingProgress.AtStep(0)).Should().Be(24, "30 / 24 = 1.25 rounds to one unit of 24");
        policy.GetBatchSize(TrainingProgress.AtStep(10)).Should().Be(72, "100 is above the highest allowed size, 72");
    }

    [Fact]
    public void BuildPlannerOptions_DecayEquivalentWithWarmup_RefersToThePeak()
    {
        // Hugging Face's linear schedule: 0.1 · s / 5 for s < 5, then 0.1 · (50 - s) / 45. With warmup 5 the batch is 64
        // until step 5, then 64 · 0.1 / η(s) = 64 · 45 / (50 - s), capped at 512 (from s = 45, and where η = 0).
        ScheduleSpec spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "linear", "num_warmup_steps": 5, "num_training_steps": 50}, "batch": {"type": "decay_equivalent", "reference_batch_size": 64, "maximum_batch_size": 512, "warmup": 5}}""");

        IBatchSizePolicy policy = spec.BuildPlannerOptions().BatchSize!;

        foreach (long step in new long[] { 0, 1, 4, 5, 20, 41, 44, 45, 50, 60 })
        {
            int expected = step < 5 ? 64 : (int)Math.Min(512, Math.Round(64 * 45.0 / Math.Max(50 - step, 0)));
            policy.GetBatchSize(TrainingProgress.AtStep(step)).Should().Be(expected, "at step {0}", step);
        }
    }

    [Fact]
    public void BuildPlannerOptions_OnPlateau_GrowsAsTheCodeBuiltPolicy()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Spec("""{"type": "fixed", "batch_size": 32, "max_batch_size": 100, "on_plateau": {"patience": 0}}"""));
        IAdaptiveBatchSizePolicy actual = (IAdaptiveBatchSizePolicy)spec.BuildPlannerOptions().BatchSize!;
        IAdaptiveBatchSizePolicy expected = BatchSizePolicy.OnPlateau(
            BatchSizePolicy.Fixed(32, new BatchSizeConstraints(maximum: 100)),
            new PlateauBatchSizeOptions { Patience = 0 });

        // 1 sets the best; 2 and 3 do not improve and with patience 0 each doubles the batch (factor 2 by default):
        // 64, then 128 capped at 100; 0.5 improves; 0.6 does not, but 100 is already the maximum.
        double[] metrics = [1, 2, 3, 0.5, 0.6];
        int[] sizes = [32, 64, 100, 100, 100];
        for (int i = 0; i < metrics.Length; i++)
        {
            actual.Report(metrics[i]);
            expected.Report(metrics[i]);
            actual.GetBatchSize(default).Should().Be(sizes[i]).And.Be(expected.GetBatchSize(default));
        }
    }

    [Fact]
    public void BuildPlannerOptions_NoiseAdaptive_FollowsNoiseScaleAsTheCodeBuiltPolicy()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Spec("""{"type": "noise_adaptive", "initial_batch_size": 32, "update_interval": 10, "multiple": 8, "max_batch_size": 4096}"""));
        IAdaptiveBatchSizePolicy actual = (IAdaptiveBatchSizePolicy)spec.BuildPlannerOptions().BatchSize!;
        IAdaptiveBatchSizePolicy expected = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions
        {
            InitialBatchSize = 32,
            UpdateInterval = 10,
            Constraints = new BatchSizeConstraints(multiple: 8, maximum: 4096),
        });

        // B_simple = tr(Σ) / |G|² = 1000: the batch at most doubles (max_change_factor 2) every 10 steps until it
        // reaches 1000, a multiple of 8.
        var noise = new GradientNoise(1.0, 1000.0);
        foreach (int size in new[] { 64, 128, 256, 512, 1000, 1000 })
        {
            for (int step = 0; step < 10; step++)
            {
                actual.Observe(new BatchFeedback(TrainingProgress.AtStep(step), BatchPlan.Create(actual.GetBatchSize(default), int.MaxValue)) { Noise = noise });
                expected.Observe(new BatchFeedback(TrainingProgress.AtStep(step), BatchPlan.Create(expected.GetBatchSize(default), int.MaxValue)) { Noise = noise });
                actual.GetBatchSize(default).Should().Be(expected.GetBatchSize(default));
            }

            actual.GetBatchSize(default).Should().Be(size);
        }
    }

    [Fact]
    public void BuildPlannerOptions_Goodput_SettlesWhereTheCodeBuiltPolicyDoes()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Spec("""{"type": "goodput", "initial_batch_size": 32, "update_interval": 5, "switch_threshold": 0, "max_batch_size": 4096}"""));
        IAdaptiveBatchSizePolicy actual = (IAdaptiveBatchSizePolicy)spec.BuildPlannerOptions().BatchSize!;
        IAdaptiveBatchSizePolicy expected = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions
        {
            InitialBatchSize = 32,
            UpdateInterval = 5,
            SwitchThreshold = 0,
            Constraints = new BatchSizeConstraints(maximum: 4096),
        });

        // T(M) = 0.1 + 0.001·M seconds and φ = 1000: goodput M / T(M) · 1032 / (1000 + M) is best at 256 of the
        // candidates 32 · 2^k (the continuous optimum is near sqrt(0.1 · 1000 / 0.001) ≈ 316).
        static double Seconds(int m) => 0.1 + (0.001 * m);
        var noise = new GradientNoise(1.0, 1000.0);
        for (int step = 0; step < 400; step++)
        {
            int a = actual.GetBatchSize(default);
            int e = expected.GetBatchSize(default);
            a.Should().Be(e, "step {0}", step);
            actual.Observe(new BatchFeedback(TrainingProgress.AtStep(step), BatchPlan.Create(a, int.MaxValue)) { Noise = noise, StepSeconds = Seconds(a) });
            expected.Observe(new BatchFeedback(TrainingProgress.AtStep(step), BatchPlan.Create(e, int.MaxValue)) { Noise = noise, StepSeconds = Seconds(e) });
        }

        actual.GetBatchSize(default).Should().Be(256);
    }

    [Fact]
    public void BuildPlannerOptions_AdaptivePolicy_IsFreshEachCall()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Spec("""{"type": "fixed", "batch_size": 32, "on_plateau": {"patience": 0}}"""));
        var first = (IAdaptiveBatchSizePolicy)spec.BuildPlannerOptions().BatchSize!;
        first.Report(1.0);
        first.Report(2.0);

        IBatchSizePolicy second = spec.BuildPlannerOptions().BatchSize!;

        first.GetBatchSize(default).Should().Be(64);
        second.GetBatchSize(default).Should().Be(32);
        second.Should().NotBeSameAs(first);
    }

    [Theory]
    [InlineData("""{"type": "none"}""", 128, 1.0)]
    [InlineData("""{"type": "linear", "reference_batch_size": 64}""", 128, 2.0)]
    [InlineData("""{"type": "linear", "reference_batch_size": 64}""", 16, 0.25)]
    [InlineData("""{"type": "sqrt", "reference_batch_size": 64}""", 256, 2.0)]
    [InlineData("""{"type": "adascale", "reference_batch_size": 64}""", 256, 1.0)]
    public void BuildPlannerOptions_Scaling_BuildsTheRule(string scaling, int batch, double factor)
    {
        // Linear: B / B_ref; square root: sqrt(B / B_ref); AdaScale: 1 until the gradient noise is known.
        ScheduleSpec spec = ScheduleSpec.Parse(Constant + """, "batch": {"type": "fixed", "batch_size": 64}, "scaling": """ + scaling + "}");

        ILearningRateScaling rule = spec.BuildPlannerOptions().Scaling;

        rule.GetFactor(batch, GradientNoise.Unknown).Should().BeApproximately(factor, 1e-15);
        rule.ScalesProgress.Should().Be(scaling.Contains("adascale", StringComparison.Ordinal));
    }

    [Fact]
    public void BuildPlannerOptions_CopiesScheduleMicroBatchAndDatasetSize()
    {
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": [0.1, 0.2], "schedule": {"type": "StepLR", "step_size": 5}, "batch": {"type": "fixed", "batch_size": 64}, "max_micro_batch_size": 16}""");

        TrainingPlannerOptions options = spec.BuildPlannerOptions(datasetSize: 1000);

        spec.HasBatch.Should().BeTrue();
        options.MaxMicroBatchSize.Should().Be(16);
        options.DatasetSize.Should().Be(1000);
        options.Scaling.Should().BeSameAs(LearningRateScaling.None);
        options.Schedule!.GroupCount.Should().Be(2);
        options.Schedule.GetLearningRate(1, TrainingProgress.AtStep(5)).Should().BeApproximately(0.2 * 0.1, 1e-15);
        ScheduleSpec.Parse(Spec("""{"type": "fixed", "batch_size": 8}""")).BuildPlannerOptions().MaxMicroBatchSize.Should().Be(int.MaxValue);
    }

    [Fact]
    public void BuildPlannerOptions_MaxMicroBatch_SplitsThePlan()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Constant + """, "batch": {"type": "fixed", "batch_size": 96, "replicas": 2}, "max_micro_batch_size": 20}""");

        StepPlan plan = new TrainingPlanner(spec.BuildPlannerOptions()).Plan();

        // 96 over 2 replicas is 48 each: ceil(48 / 20) = 3 micro-batches of 16.
        plan.Batch.Should().Be(BatchPlan.Create(96, 20, 2));
        plan.Batch.AccumulationSteps.Should().Be(3);
        plan.Batch.MicroBatchSize.Should().Be(16);
    }

    [Fact]
    public void BuildPlannerOptions_WithoutBatch_ThrowsInvalidOperation()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Constant + "}");

        Action act = () => spec.BuildPlannerOptions();

        spec.HasBatch.Should().BeFalse();
        act.Should().Throw<InvalidOperationException>().WithMessage("*no \"batch\" section*");
    }

    [Fact]
    public void BuildPlannerOptions_DatasetSizeZero_Throws()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Spec("""{"type": "fixed", "batch_size": 8}"""));

        Action act = () => spec.BuildPlannerOptions(0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("datasetSize");
    }

    [Theory]
    [MemberData(nameof(AllBatchJson))]
    public void ToJson_WithBatch_RoundTripsToEqualSpec(string json)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(json);

        ScheduleSpec again = ScheduleSpec.Parse(spec.ToJson());

        again.Should().Be(spec);
        again.ToJson().Should().Be(spec.ToJson());
        again.HasBatch.Should().BeTrue();
        IBatchSizePolicy first = spec.BuildPlannerOptions().BatchSize!;
        IBatchSizePolicy second = again.BuildPlannerOptions().BatchSize!;
        for (int s = 0; s < 50; s++)
        {
            var p = new TrainingProgress(s, s * 40L, s * 25_000L, s / 10.0);
            second.GetBatchSize(p).Should().Be(first.GetBatchSize(p));
        }
    }

    [Fact]
    public void ToJson_Fixed_WritesEveryDefault()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Spec("""{"type": "fixed", "batch_size": 64}"""));

        spec.Should().Be(ScheduleSpec.Parse(
            """
            {"lr": 0.1, "clock": "steps", "schedule": {"type": "constant"},
             "batch": {"type": "fixed", "batch_size": 64, "min_batch_size": 1, "max_batch_size": null, "multiple": 1, "replicas": 1, "elastic_replica_counts": null},
             "scaling": {"type": "none"}, "max_micro_batch_size": null}
            """));
        spec.ToJson().Should().Contain("\"scaling\": {").And.Contain("\"max_micro_batch_size\": null");
    }

    [Fact]
    public void ToJson_WithoutBatch_WritesNoPlanSections()
    {
        string json = ScheduleSpec.Parse(Constant + "}").ToJson();

        json.Should().NotContain("batch").And.NotContain("scaling");
    }

    [Theory]

    // The batch and scaling objects.
    [InlineData("""{"type": "ramp"}""", "$.batch.type", "*\"ramp\"*one of fixed, steps, linear_ramp, token_ramp, geometric, cyclic, decay_equivalent, noise_adaptive, goodput*")]
    [InlineData("""{"batch_size": 8}""", "$.batch.type", "*missing*")]
    [InlineData("""[8]""", "$.batch", "*batch object*")]
    [InlineData("""{"type": "fixed"}""", "$.batch.batch_size", "*missing; batch fixed requires it*")]
    [InlineData("""{"type": "fixed", "batch_size": 8, "batchsize": 8}""", "$.batch.batchsize", "*not a parameter of batch fixed*batch_size, min_batch_size*")]
    [InlineData("""{"type": "fixed", "batch_size": 8.5}""", "$.batch.batch_size", "*whole number*")]
    [InlineData("""{"type": "steps", "milestones": [10], "sizes": [8, 16], "clock": "hours"}""", "$.batch.clock", "*\"epochs\"*")]

    // Values the factories refuse, named by their field.
    [InlineData("""{"type": "fixed", "batch_size": 60, "multiple": 8}""", "$.batch.batch_size", "'$.batch.batch_size' is 60; it must be a multiple of 8*")]
    [InlineData("""{"type": "linear_ramp", "start": 32, "increment": 30, "ramp_samples": 1000, "target": 256}""", "$.batch.increment", "'$.batch.increment' is 30; it must be a divisor of target - start, 224*")]
    [InlineData("""{"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": 0, "target": 256}""", "$.batch.ramp_samples", "*greater than zero*")]
    [InlineData("""{"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": 1.5, "target": 256}""", "$.batch.ramp_samples", "*whole number*")]
    [InlineData("""{"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": 100, "target": 32}""", "$.batch.target", "*greater than start*")]
    [InlineData("""{"type": "token_ramp", "start": 64, "target": 32, "ramp_tokens": 100}""", "$.batch.target", "*no less than start*")]
    [InlineData("""{"type": "steps", "milestones": [10, 5], "sizes": [8, 16, 32]}""", "$.batch.milestones[1]", "*greater than the value before it*")]
    [InlineData("""{"type": "steps", "milestones": [10], "sizes": [8, 0]}""", "$.batch.sizes[1]", "*1 or more*")]
    [InlineData("""{"type": "steps", "milestones": [10], "sizes": [8, 2.5]}""", "$.batch.sizes[1]", "*whole number*")]
    [InlineData("""{"type": "steps", "milestones": [10], "sizes": [8]}""", "$.batch.sizes", "'$.batch.sizes' is an array of 1; it must be one longer than milestones, 2 sizes.*")]
    [InlineData("""{"type": "geometric", "initial": 32, "factor": 1, "interval": 1, "maximum": 256}""", "$.batch.factor", "*greater than 1*")]
    [InlineData("""{"type": "geometric", "initial": 32, "factor": 2, "interval": 0, "maximum": 256}""", "$.batch.interval", "*greater than zero*")]
    [InlineData("""{"type": "cyclic", "minimum": 32, "maximum": 16, "period": 10}""", "$.batch.maximum", "*no less than minimum*")]
    [InlineData("""{"type": "decay_equivalent", "reference_batch_size": 64, "maximum_batch_size": 32}""", "$.batch.maximum_batch_size", "*no less than reference_batch_size, 64*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"factor": 1}}""", "$.batch.on_plateau.factor", "*not 1*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"patience": -1}}""", "$.batch.on_plateau.patience", "*zero or more*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"loss_window": 0}}""", "$.batch.on_plateau.loss_window", "*1 or more*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"monitor": "val"}}""", "$.batch.on_plateau.monitor", "*\"metric\", \"loss\"*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"type": "x"}}""", "$.batch.on_plateau.type", "*not a parameter*")]
    [InlineData("""{"type": "noise_adaptive", "initial_batch_size": 32, "on_plateau": {}}""", "$.batch.on_plateau", "*adaptive*closed-form*")]
    [InlineData("""{"type": "noise_adaptive", "initial_batch_size": 32, "max_change_factor": 1}""", "$.batch.max_change_factor", "*greater than 1*")]
    [InlineData("""{"type": "noise_adaptive", "initial_batch_size": 32, "update_interval": 0}""", "$.batch.update_interval", "*1 or more*")]
    [InlineData("""{"type": "goodput", "initial_batch_size": 32, "candidate_ratio": 0.5}""", "$.batch.candidate_ratio", "*greater than 1*")]
    [InlineData("""{"type": "goodput", "initial_batch_size": 30, "multiple": 8}""", "$.batch.initial_batch_size", "*multiple of 8*")]
    [InlineData("""{"type": "goodput", "initial_batch_size": 32, "residual_threshold": 0}""", "$.batch.residual_threshold", "*greater than zero*")]

    // The constraint parameters.
    [InlineData("""{"type": "fixed", "batch_size": 8, "min_batch_size": 0}""", "$.batch.min_batch_size", "*greater than zero*")]
    [InlineData("""{"type": "fixed", "batch_size": 8, "min_batch_size": 16, "max_batch_size": 8}""", "$.batch.max_batch_size", "*no less than minimum*")]
    [InlineData("""{"type": "fixed", "batch_size": 8, "min_batch_size": 5, "max_batch_size": 6, "multiple": 4}""", "$.batch.max_batch_size", "$.batch.max_batch_size: No batch size between minimum 5 and maximum 6*")]
    [InlineData("""{"type": "fixed", "batch_size": 8, "replicas": 0}""", "$.batch.replicas", "*greater than zero*")]
    [InlineData("""{"type": "fixed", "batch_size": 8, "elastic_replica_counts": [2, 0]}""", "$.batch.elastic_replica_counts[1]", "*1 or more*")]
    [InlineData("""{"type": "fixed", "batch_size": 8, "elastic_replica_counts": [2, 1.5]}""", "$.batch.elastic_replica_counts[1]", "*whole number*")]
    [InlineData("""{"type": "fixed", "batch_size": 8, "elastic_replica_counts": 2}""", "$.batch.elastic_replica_counts", "*array of numbers*")]
    public void Parse_BadBatch_NamesPath(string batch, string path, string message) =>
        Check(Spec(batch), path, message);

    [Theory]
    [InlineData(""", "batch": {"type": "fixed", "batch_size": 8}, "scaling": {"type": "linear"}}""", "$.scaling.reference_batch_size", "*missing; scaling linear requires it*")]
    [InlineData(""", "batch": {"type": "fixed", "batch_size": 8}, "scaling": {"type": "sqrt", "reference_batch_size": 0}}""", "$.scaling.reference_batch_size", "'$.scaling.reference_batch_size' is 0;*")]
    [InlineData(""", "batch": {"type": "fixed", "batch_size": 8}, "scaling": {"type": "none", "reference_batch_size": 8}}""", "$.scaling.reference_batch_size", "*not a parameter of scaling none*")]
    [InlineData(""", "batch": {"type": "fixed", "batch_size": 8}, "scaling": {"type": "cubic"}}""", "$.scaling.type", "*one of none, linear, sqrt, adascale*")]
    [InlineData(""", "batch": {"type": "fixed", "batch_size": 8}, "scaling": "linear"}""", "$.scaling", "*scaling object*")]
    [InlineData(""", "batch": {"type": "fixed", "batch_size": 8}, "max_micro_batch_size": 0}""", "$.max_micro_batch_size", "*whole number 1 or more, or null*")]
    [InlineData(""", "batch": {"type": "fixed", "batch_size": 8}, "max_micro_batch_size": 2.5}""", "$.max_micro_batch_size", "*whole number*")]
    [InlineData(""", "scaling": {"type": "linear", "reference_batch_size": 8}}""", "$.scaling", "*without a \"batch\" section*")]
    [InlineData(""", "max_micro_batch_size": 8}""", "$.max_micro_batch_size", "*without a \"batch\" section*")]
    [InlineData(""", "batches": {"type": "fixed", "batch_size": 8}}""", "$.batches", "*not a parameter of the spec*batch, scaling, max_micro_batch_size*")]
    public void Parse_BadScalingOrTopLevel_NamesPath(string rest, string path, string message) =>
        Check(Constant + rest, path, message);

    [Theory]
    [InlineData(
        """{"lr": 0.1, "schedule": {"type": "ReduceLROnPlateau"}, "batch": {"type": "decay_equivalent", "reference_batch_size": 64, "maximum_batch_size": 512}}""",
        "$.batch.type",
        "*closed-form schedule*ReduceLROnPlateau reacts to metrics*")]
    [InlineData(
        """{"lr": 0.1, "schedule": {"type": "linear", "num_warmup_steps": 5, "num_training_steps": 50}, "batch": {"type": "decay_equivalent", "reference_batch_size": 64, "maximum_batch_size": 512}}""",
        "$.schedule",
        "'$.schedule' is 0; it must be a schedule whose value where its warmup ends, at 0, is greater than zero; pass the warmup's length as warmup*")]
    [InlineData(
        """{"lr": 0.1, "schedule": {"type": "linear", "num_warmup_steps": 5, "num_training_steps": 50}, "batch": {"type": "decay_equivalent", "reference_batch_size": 64, "maximum_batch_size": 512, "warmup": 2}}""",
        "$.batch.warmup",
        "*stops rising*from 0.04* there to 0.06*")]
    [InlineData(
        """{"lr": 0.1, "clock": "samples", "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 8}, "scaling": {"type": "adascale", "reference_batch_size": 8}}""",
        "$.scaling.type",
        "*\"adascale\"*steps clock*")]
    public void Parse_BatchOrScalingThatDoesNotFitTheSchedule_NamesPath(string json, string path, string message) =>
        Check(json, path, message);

    private static string Spec(string batch) => Constant + ", \"batch\": " + batch + "}";

    private static IEnumerable<TrainingProgress> Steps(params long[] steps) => steps.Select(TrainingProgress.AtStep);

    private static IEnumerable<TrainingProgress> Samples(params long[] samples) => samples.Select(s => new TrainingProgress(0, s));

    private static IEnumerable<TrainingProgress> Tokens(params long[] tokens) => tokens.Select(k => new TrainingProgress(0, 0, k));

    private static int NearestMultiple(double wanted, int multiple)
    {
        double units = wanted / multiple;
        double below = Math.Floor(units);
        return (int)((units - below > 0.5 ? below + 1 : below) * multiple);
    }

    private static void Check(string json, string path, string message)
    {
        Action act = () => ScheduleSpec.Parse(json);

        ScheduleSpecException e = act.Should().Throw<ScheduleSpecException>().WithMessage(message).Which;
        e.Path.Should().Be(path);
        e.ParamName.Should().Be(path);
    }

    /// <summary>A spec with a closed-form batch section, the policy built in code, points to compare, and the size the formula gives.</summary>
    private sealed record BatchCase(string Json, Func<IBatchSizePolicy> Code, TrainingProgress[] Points, Func<TrainingProgress, int> Formula);
}
