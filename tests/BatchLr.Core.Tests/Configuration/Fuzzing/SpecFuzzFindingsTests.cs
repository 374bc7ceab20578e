using System;
using System.Collections.Generic;
using BatchLr.Batching;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration.Fuzzing;

/// <summary>The documents the spec fuzzer found broken, each kept as a test of the fix: refused with a path, or accepted and finite.</summary>
public class SpecFuzzFindingsTests
{
    public static IEnumerable<object[]> Refused() =>
    [
        // Growth without end: lr · gamma^t passes every double at far positions.
        Case("""{"lr": 0.0078, "clock": "epochs", "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "ExponentialLR", "gamma": 2.94}]}}""", "$.schedule.schedulers[0].gamma", "*is 2.94; it must be at most 1 inside a ChainedScheduler*"),
        Case("""{"lr": 0.1, "schedule": {"type": "exponential_decay", "decay_steps": 3, "decay_rate": 1.5}}""", "$.schedule.decay_rate", "*is 1.5; it must be at most 1*"),
        Case("""{"lr": 0.1, "schedule": {"type": "exponential_decay", "decay_rate": 14, "decay_steps": 36.7}}""", "$.schedule.decay_rate", "*is 14; it must be at most 1*"),
        Case("""{"lr": 0.1, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "StepLR", "step_size": 3, "gamma": 34.7}]}}""", "$.schedule.schedulers[0].gamma", "*is 34.7*"),
        Case("""{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "mode": "exp_range", "gamma": 1.001}}""", "$.schedule.gamma", "*is 1.001; it must be at most 1 in ExpRange mode*"),
        Case("""{"lr": 0.1, "schedule": {"type": "cosine_timm", "t_initial": 10, "cycle_decay": 2, "cycle_limit": 2000}}""", "$.schedule.cycle_decay", "*is 2; it must be small enough that the last peak*"),
        Case("""{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": [1, 2, 3], "gamma": 1e200}}""", "$.schedule.gamma", "*small enough that initial · gamma^3*"),

        // Products and quotients past the doubles.
        Case("""{"lr": 100, "schedule": {"type": "scale", "factor": 1e307, "schedule": {"type": "constant"}}}""", "$.schedule.factor", "*is 1E+307*largest magnitude, 100*"),
        Case("""{"lr": 1.8e-4, "clock": "epochs", "schedule": {"type": "scale", "factor": 1e308, "schedule": {"type": "clamp", "min": 1000, "schedule": {"type": "PolynomialLR"}}}}""", "$.schedule.factor", "*is 1E+308*largest magnitude, 1000*"),
        Case("""{"lr": 1.9e-4, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "piecewise_linear", "positions": [1], "values": [1.7976931348623157e308]}]}}""", "$.schedule.schedulers[0]", "*divides each BatchLr schedule in it by lr*overflows*"),
        Case("""{"lr": 0.00048, "schedule": {"type": "CosineAnnealingWarmRestarts", "T_0": 1e-300, "T_mult": 3}}""", "$.schedule.T_0", "*whole number*"),
        Case("""{"lr": 5e-324, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "linear", "num_training_steps": 2}]}}""", "$.lr", "*1 / lr is finite*"),
        Case("""{"lr": 0.97, "schedule": {"type": "OneCycleLR", "max_lr": 2147483647, "total_steps": 100, "div_factor": 5e-324}}""", "$.schedule.div_factor", "*initial rate*finite*"),
        Case("""{"lr": 0.2, "schedule": {"type": "noam", "model_size": 41.7, "warmup_steps": 1e-15, "factor": 1.7976931348623157e308}}""", "$.schedule.factor", "*peak*finite*"),
        Case("""{"lr": 0.1, "schedule": {"type": "cosine_warmup_with_min_lr", "num_warmup_steps": 5e-324, "num_training_steps": 12, "min_lr_rate": 0.1}}""", "$.schedule.num_warmup_steps", "*lr / num_warmup_steps*finite*"),
        Case("""{"lr": 1.7976931348623157e308, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 360}, "scaling": {"type": "sqrt", "reference_batch_size": 1}}""", "$.scaling.reference_batch_size", "*overflows to infinity*"),

        // Negative learning rates and builder exceptions that named no path.
        Case("""{"lr": 0.014, "schedule": {"type": "clamp", "min": -10, "max": -10, "schedule": {"type": "constant"}}}""", "$.schedule.min", "*is -10; it must be zero or more*"),
        Case("""{"lr": 2.6e-5, "schedule": {"type": "cosine_timm", "t_initial": 1e-15, "warmup_t": 33.3, "warmup_lr_init": -5.29}}""", "$.schedule.warmup_lr_init", "*is -5.29; it must be zero or more*"),
        Case("""{"lr": 1.3e-5, "schedule": {"type": "warmup_stable_decay", "num_decay_steps": 0, "num_training_steps": 9, "num_cycles": 0.0003}}""", "$.schedule.num_decay_steps", "*is 0*greater than zero*"),
        Case("""{"lr": 0.0008, "clock": "epochs", "schedule": {"type": "piecewise_linear", "positions": "3ep", "values": [1, 2, 3]}}""", "$.schedule.positions", "*an array of numbers*"),
    ];

    [Theory]
    [MemberData(nameof(Refused))]
    public void Parse_FoundByFuzzing_RefusedWithPath(string json, string path, string message)
    {
        var act = () => ScheduleSpec.Parse(json);

        act.Should().Throw<ScheduleSpecException>().Where(e => e.Path == path).WithMessage(message);
    }

    [Theory]
    [InlineData("""{"lr": 0.0078, "clock": "epochs", "schedule": {"type": "ExponentialLR", "gamma": 2.94}}""")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "clamp", "max": 1, "schedule": {"type": "ExponentialLR", "gamma": 34.7}}}""")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "gamma": 1.5}}""")]
    [InlineData("""{"lr": 0.00048, "schedule": {"type": "cosine_timm", "t_initial": 1e-300, "cycle_mul": 3, "cycle_limit": 2147483647}}""")]
    [InlineData("""{"lr": 5.767723165712468E-05, "schedule": {"type": "ChainedScheduler", "schedulers": [{"type": "MultiStepLR", "milestones": [46], "gamma": 1.7976931348623157E+308}]}}""")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "cosine_timm", "t_initial": 1, "cycle_mul": 1e308, "cycle_limit": 2147483647}}""")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "tanh_decay", "t_initial": 5e-324, "cycle_mul": 1.0000000000000002, "cycle_limit": 1000}}""")]
    [InlineData("""{"lr": [0.1, 0.01], "schedule": {"type": "CyclicLR", "base_lr": [0.01, 0.001], "max_lr": [0.1, 0.1], "step_size_up": 5e-324}}""")]
    [InlineData("""{"lr": 0, "schedule": {"type": "exponential_decay", "decay_rate": 0.5, "decay_steps": 1e-300}}""")]
    [InlineData("""{"lr": 1.7976931348623157E+308, "schedule": {"type": "warmup_stable_decay", "num_decay_steps": 5.7, "num_stable_steps": 1000, "min_lr_ratio": 0.34}}""")]
    [InlineData("""{"lr": [1.7976931348623157E+308], "schedule": {"type": "cosine_with_min_lr", "num_training_steps": 1e-308, "min_lr_rate": 0.35}}""")]
    public void Build_ExtremeButAccepted_ReturnsFiniteRatesEverywhere(string json)
    {
        // The first three never returned: the cycle was searched one step at a time from an infinite first guess. The last two
        // gave infinity at the decay's start, where floor + (lr - floor) · 1 rounded past the largest double.
        OptimizerSchedule schedule = ScheduleSpec.Parse(json).Build();

        foreach (double t in (double[])[0, 1e-9, 1, 2, 1e6, 1e9, 1e15, 1e18])
        {
            for (int g = 0; g < schedule.GroupCount; g++)
            {
                int group = g;
                double rate = Watchdog.Returns(() => schedule.GetLearningRateAt(group, t), "position " + t);
                double.IsFinite(rate).Should().BeTrue("position {0}", t);
                rate.Should().BeGreaterThanOrEqualTo(0);
            }
        }
    }

    [Theory]
    [InlineData(26L, """{"type": "fixed", "batch_size": 32, "on_plateau": {"factor": 0.5}}""", "$.epoch_boundary", "*first batch, 32, is larger than the dataset, 26 samples*")]
    [InlineData(3L, """{"type": "fixed", "batch_size": 32, "replicas": 4}""", "$.batch.replicas", "*the dataset, 3 samples, must hold at least one sample per replica*")]
    public void BuildPlannerOptions_DatasetTooSmallForTheBatch_RefusedWithPath(long datasetSize, string batch, string path, string message)
    {
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "constant"}, "epoch_boundary": "drop", "batch": """ + batch + "}");

        var act = () => spec.BuildPlannerOptions(datasetSize);

        act.Should().Throw<ScheduleSpecException>().Where(e => e.Path == path).WithMessage(message);
    }

    [Fact]
    public void TrainingPlanner_ScalingPastTheDoubles_ThrowsNamingScaling()
    {
        // 1e308 · (2048 / 1) overflows: the planned rate at a batch of 2048 would be infinite.
        var options = new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(1e308)]),
            BatchSize = BatchSizePolicy.Fixed(2048),
            Scaling = LearningRateScaling.Linear(1),
        };

        var act = () => new TrainingPlanner(options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("*'options.Scaling' is a rule whose factor at the largest batch, 2147483647, is 2147483647; it must be small enough that it times the schedule's largest learning rate, 1E+308, is finite*");
    }

    private static object[] Case(string json, string path, string message) => [json, path, message];
}
