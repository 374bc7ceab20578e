using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration;

/// <summary>Positions and lengths written with units ("2ep", "1000ba", "5e4sp", "1e6tok", "0.1dur"), converted to the clock each is read on.</summary>
public class ScheduleSpecUnitsTests
{
    private const string Fixed50 = "\"batch\": {\"type\": \"fixed\", \"batch_size\": 50}";

    /// <summary>Points that reach 400 steps, 4000 samples, 4 million tokens and 4 epochs.</summary>
    private static IEnumerable<TrainingProgress> Points => Enumerable.Range(0, 401).Select(k => new TrainingProgress(k, 10L * k, 10_000L * k, k / 100.0));

    /// <summary>A spec with units, the dataset size it is built with (0 for none), and the same spec with the numbers the rules give.</summary>
    public static TheoryData<string, long, string> Conversions => new()
    {
        // ep → sp: 2 epochs of 500 samples = 1000 samples.
        {
            """{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": "2ep"}}""", 500,
            """{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": 1000}}"""
        },

        // ep → ba: 3 epochs of 1000 samples in batches of 50 = 60 steps.
        {
            """{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": "3ep"}, """ + Fixed50 + "}", 1000,
            """{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": 60}}"""
        },

        // dur: a quarter of 400 steps = 100 steps.
        {
            """{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": "0.25dur"}, "batch": {"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": 1000, "target": 64}, "duration": "400ba"}""", 0,
            """{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": 100}}"""
        },

        // Each milestone: 1000 / 100 = 10 steps per epoch.
        {
            """{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": ["1ep", "2ep"]}, "batch": {"type": "fixed", "batch_size": 100}}""", 1000,
            """{"lr": 0.1, "schedule": {"type": "MultiStepLR", "milestones": [10, 20]}}"""
        },

        // Same unit as the clock: as is, on steps and on epochs, with no dataset size.
        {
            """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": "150ba"}}""", 0,
            """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 150}}"""
        },
        {
            """{"lr": 0.1, "clock": "epochs", "schedule": {"type": "CosineAnnealingLR", "T_max": "3ep"}}""", 0,
            """{"lr": 0.1, "clock": "epochs", "schedule": {"type": "CosineAnnealingLR", "T_max": 3}}"""
        },

        // sp → ep: 500 of 1000 samples = half an epoch.
        {
            """{"lr": 0.1, "clock": "epochs", "schedule": {"type": "StepLR", "step_size": "500sp"}}""", 1000,
            """{"lr": 0.1, "clock": "epochs", "schedule": {"type": "StepLR", "step_size": 0.5}}"""
        },

        // ba → sp: 10 batches of 32 = 320 samples, no dataset size needed.
        {
            """{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": "10ba"}, "batch": {"type": "fixed", "batch_size": 32}}""", 0,
            """{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": 320}}"""
        },

        // sp → ba: 3200 samples / 32 = 100 steps.
        {
            """{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": "3200sp"}, "batch": {"type": "fixed", "batch_size": 32}}""", 0,
            """{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": 100}}"""
        },

        // ba → ep: 40 steps · 50 = 2000 samples = 2 epochs of 1000.
        {
            """{"lr": 0.1, "clock": "epochs", "schedule": {"type": "StepLR", "step_size": "40ba"}, """ + Fixed50 + "}", 1000,
            """{"lr": 0.1, "clock": "epochs", "schedule": {"type": "StepLR", "step_size": 2}}"""
        },

        // dur, then converted: half of 2 epochs = 1 epoch = 1000 / 50 = 20 steps.
        {
            """{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": "0.5dur"}, """ + Fixed50 + """, "duration": "2ep"}""", 1000,
            """{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": 20}}"""
        },

        // A whole-number parameter rounds: 1000 / 30 = 33.3 steps → 33.
        {
            """{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": "1ep"}, "batch": {"type": "fixed", "batch_size": 30}}""", 1000,
            """{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 33}}"""
        },

        // Nested: 1 epoch = 20 steps; 2 epochs = 40 steps; a plain number stays as it is.
        {
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "schedulers": [{"type": "LinearLR", "total_iters": 5}, {"type": "CosineAnnealingLR", "T_max": "2ep"}], "milestones": ["1ep"]}, """ + Fixed50 + "}", 1000,
            """{"lr": 0.1, "schedule": {"type": "SequentialLR", "schedulers": [{"type": "LinearLR", "total_iters": 5}, {"type": "CosineAnnealingLR", "T_max": 40}], "milestones": [20]}}"""
        },

        // Hugging Face warmup and training as fractions of 200 steps: 20 and 200.
        {
            """{"lr": 0.1, "schedule": {"type": "linear", "num_warmup_steps": "0.1dur", "num_training_steps": "1dur"}, """ + Fixed50 + """, "duration": "200ba"}""", 0,
            """{"lr": 0.1, "schedule": {"type": "linear", "num_warmup_steps": 20, "num_training_steps": 200}}"""
        },

        // inverse_sqrt's timescale defaults to the warmup as written, so both are 1 epoch = 1000 / 100 = 10 steps.
        {
            """{"lr": 0.1, "schedule": {"type": "inverse_sqrt", "num_warmup_steps": "1ep"}, "batch": {"type": "fixed", "batch_size": 100}}""", 1000,
            """{"lr": 0.1, "schedule": {"type": "inverse_sqrt", "num_warmup_steps": 10, "timescale": 10}}"""
        },

        // timm: t_initial 4 epochs = 80 steps, warmup_t 1000 samples = 20 steps.
        {
            """{"lr": 0.1, "schedule": {"type": "cosine_timm", "t_initial": "4ep", "warmup_t": "1000sp"}, """ + Fixed50 + "}", 1000,
            """{"lr": 0.1, "schedule": {"type": "cosine_timm", "t_initial": 80, "warmup_t": 20}}"""
        },
    };

    /// <summary>A spec whose batch section has units, the dataset size, and the same batch section with the numbers the rules give.</summary>
    public static TheoryData<string, long, string> BatchConversions => new()
    {
        // The policy's own clock: samples, so 1 and 2 epochs of 1000 = 1000 and 2000 samples.
        {
            """{"type": "steps", "milestones": ["1ep", "2ep"], "sizes": [32, 64, 128], "clock": "samples"}""", 1000,
            """{"type": "steps", "milestones": [1000, 2000], "sizes": [32, 64, 128], "clock": "samples"}"""
        },

        // ramp_samples is always on samples: 2 epochs of 500.
        {
            """{"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": "2ep", "target": 256}""", 500,
            """{"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": 1000, "target": 256}"""
        },

        // geometric's default clock is epochs: 2000 samples of 1000 = 2 epochs.
        {
            """{"type": "geometric", "initial": 32, "factor": 2, "interval": "2000sp", "maximum": 256}""", 1000,
            """{"type": "geometric", "initial": 32, "factor": 2, "interval": 2, "maximum": 256}"""
        },
    };

    [Theory]
    [MemberData(nameof(Conversions))]
    public void Build_PositionWithUnit_EqualsTheConvertedNumber(string withUnits, long datasetSize, string plain)
    {
        OptimizerSchedule actual = ScheduleSpec.Parse(withUnits).Build(datasetSize == 0 ? null : datasetSize);
        OptimizerSchedule expected = ScheduleSpec.Parse(plain).Build();

        foreach (TrainingProgress p in Points)
        {
            actual.GetLearningRate(0, p).Should().Be(expected.GetLearningRate(0, p), "at {0}", p);
        }
    }

    [Theory]
    [MemberData(nameof(BatchConversions))]
    public void BuildPlannerOptions_BatchPositionWithUnit_EqualsTheConvertedNumber(string withUnits, long datasetSize, string plain)
    {
        IBatchSizePolicy actual = ScheduleSpec.Parse(Plan(withUnits)).BuildPlannerOptions(datasetSize).BatchSize!;
        IBatchSizePolicy expected = ScheduleSpec.Parse(Plan(plain)).BuildPlannerOptions(datasetSize).BatchSize!;

        foreach (TrainingProgress p in Points)
        {
            actual.GetBatchSize(p).Should().Be(expected.GetBatchSize(p), "at {0}", p);
        }
    }

    [Fact]
    public void BuildPlannerOptions_TokenRampAsFractionOfTokenDuration_RampsOverThatFraction()
    {
        // Half of 2e6 tokens = 1e6 tokens, the clock of ramp_tokens: 64 + 448 · min(k, 1e6) / 1e6, on multiples of 64.
        ScheduleSpec spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "token_ramp", "start": 64, "target": 512, "ramp_tokens": "0.5dur", "multiple": 64}, "duration": "2e6tok"}""");

        IBatchSizePolicy policy = spec.BuildPlannerOptions().BatchSize!;

        policy.GetBatchSize(new TrainingProgress(0, tokens: 0)).Should().Be(64);
        policy.GetBatchSize(new TrainingProgress(0, tokens: 500_000)).Should().Be(256, "64 + 224 = 288 lies nearer 256 than 320");
        policy.GetBatchSize(new TrainingProgress(0, tokens: 1_000_000)).Should().Be(512);
    }

    [Fact]
    public void BuildPlannerOptions_CyclicPeriodAsFractionOfDuration_IsThatManySteps()
    {
        // A tenth of 1000 steps = a period of 100 steps: the maximum at step 50, back to the minimum at 100.
        IBatchSizePolicy policy = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "cyclic", "minimum": 32, "maximum": 96, "period": "0.1dur"}, "duration": "1000ba"}""")
            .BuildPlannerOptions().BatchSize!;

        policy.GetBatchSize(TrainingProgress.AtStep(0)).Should().Be(32);
        policy.GetBatchSize(TrainingProgress.AtStep(50)).Should().Be(96);
        policy.GetBatchSize(TrainingProgress.AtStep(100)).Should().Be(32);
    }

    [Fact]
    public void Build_StepSizeInEpochsOnSamples_FollowsStepLRFormula()
    {
        // 2 epochs of 500 samples: lr = 0.1 · 0.1^floor(samples / 1000).
        OptimizerSchedule schedule = ScheduleSpec.Parse("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": "2ep"}}""").Build(500);

        schedule.GetLearningRate(0, new TrainingProgress(0, samples: 999)).Should().Be(0.1);
        schedule.GetLearningRate(0, new TrainingProgress(0, samples: 1000)).Should().BeApproximately(0.01, 1e-15);
        schedule.GetLearningRate(0, new TrainingProgress(0, samples: 2500)).Should().BeApproximately(0.001, 1e-15);
    }

    [Fact]
    public void BuildPlannerOptions_DocsExample_WarmsUp450StepsOf9000()
    {
        // docs/spec.md: an epoch is 50000 / 500 = 100 steps; 90 epochs = 9000 steps, 5 % of them = 450.
        ScheduleSpec spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "cosine", "num_warmup_steps": "0.05dur", "num_training_steps": "1dur"}, "batch": {"type": "fixed", "batch_size": 500}, "duration": "90ep"}""");
        OptimizerSchedule expected = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "cosine", "num_warmup_steps": 450, "num_training_steps": 9000}}""").Build();

        OptimizerSchedule actual = spec.BuildPlannerOptions(datasetSize: 50_000).Schedule!;

        foreach (int s in new[] { 0, 225, 449, 450, 451, 4725, 8999, 9000, 12_000 })
        {
            actual.GetLearningRate(0, TrainingProgress.AtStep(s)).Should().Be(expected.GetLearningRate(0, TrainingProgress.AtStep(s)), "step {0}", s);
        }

        actual.GetLearningRate(0, TrainingProgress.AtStep(225)).Should().BeApproximately(0.05, 1e-15, "half the warmup");
    }

    [Fact]
    public void Build_PlainNumber_KeepsItsMeaningWhateverTheDatasetSize()
    {
        string json = """{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": 60}, """ + Fixed50 + """, "duration": "3ep"}""";
        LearningRateSchedule expected = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": 60}}""").Build().LearningRates![0];

        OptimizerSchedule small = ScheduleSpec.Parse(json).Build(100);
        OptimizerSchedule large = ScheduleSpec.Parse(json).Build(1_000_000);

        for (int s = 0; s <= 80; s++)
        {
            small.GetLearningRate(0, TrainingProgress.AtStep(s)).Should().Be(expected.Evaluate(s));
            large.GetLearningRate(0, TrainingProgress.AtStep(s)).Should().Be(expected.Evaluate(s));
        }
    }

    [Fact]
    public void Parse_ConversionNeedingTheDatasetSize_SucceedsAndBuildChecksItWithThePath()
    {
        const string Path = "$.schedule.num_training_steps";
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": "3ep"}, """ + Fixed50 + "}");

        Action build = () => spec.Build();
        Action plan = () => spec.BuildPlannerOptions();

        build.Should().Throw<ScheduleSpecException>()
            .WithMessage("'$.schedule.num_training_steps' is \"3ep\"; converting epochs to steps needs a fixed batch size and the dataset size: pass the dataset size*")
            .Which.Path.Should().Be(Path);
        plan.Should().Throw<ScheduleSpecException>().Which.Path.Should().Be(Path);
        TrainingPlannerOptions options = spec.BuildPlannerOptions(1000);
        // 3 epochs = 60 steps; past them Hugging Face's cosine goes on: 0.1 · (1 + cos(π · 90 / 60)) / 2 = 0.05 at 90.
        for (int s = 0; s <= 120; s++)
        {
            options.Schedule!.GetLearningRate(0, TrainingProgress.AtStep(s)).Should().BeApproximately(0.1 * (1 + Math.Cos(Math.PI * s / 60)) / 2, 1e-15);
        }
    }

    [Fact]
    public void Parse_DeferredPosition_IsCheckedAgainstTheOthersWhenBuilt()
    {
        // The warmup, 1 epoch = 1000 / 50 = 20 steps, passes Parse; with the dataset size it exceeds the training, 10 steps.
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "linear", "num_warmup_steps": "1ep", "num_training_steps": 10}, """ + Fixed50 + "}");

        Action act = () => spec.BuildPlannerOptions(1000);

        act.Should().Throw<ScheduleSpecException>().WithMessage("*greater than num_warmup_steps, 20*").Which.Path.Should().Be("$.schedule.num_training_steps");
        spec.BuildPlannerOptions(100).Should().NotBeNull("1 epoch of 100 samples is 2 steps of warmup");
    }

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": "3ep"}, "on_plateau": {"factor": 1.5}, "batch": {"type": "fixed", "batch_size": 50}}""", "$.on_plateau.factor")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "schedulers": [{"type": "ExponentialLR", "gamma": -1}, {"type": "constant"}], "milestones": ["1ep"]}, "batch": {"type": "fixed", "batch_size": 50}}""", "$.schedule.schedulers[0].gamma")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": "3ep"}, "batch": {"type": "fixed", "batch_size": 50, "multiple": 64}}""", "$.batch.batch_size")]
    [InlineData("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": "2ep"}, "batch": {"type": "fixed", "batch_size": 50}, "scaling": {"type": "adascale", "reference_batch_size": 50}}""", "$.scaling.type")]
    [InlineData("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "clamp", "max": 1, "schedule": {"type": "SequentialLR", "schedulers": [{"type": "ExponentialLR", "gamma": -1}, {"type": "constant"}], "milestones": ["1ep"]}}}""", "$.schedule.schedule.schedulers[0].gamma")]
    public void Parse_DeferredPosition_StillChecksEverythingElse(string json, string path) => Refused(json, path, "*");

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": "1e6tok"}}""", "$.schedule.step_size", "'$.schedule.step_size' is \"1000000tok\"; converting tokens to steps needs the tokens of each sample, which a spec does not know*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": "1e6tok", "target": 64}}""", "$.batch.ramp_samples", "*converting tokens to samples*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "token_ramp", "start": 32, "target": 64, "ramp_tokens": "2ep"}}""", "$.batch.ramp_tokens", "*converting epochs to tokens*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": "0.5dur"}, "batch": {"type": "fixed", "batch_size": 32}, "duration": "1e6tok"}""", "$.schedule.T_max", "*converting tokens (the duration's unit) to steps*")]
    public void Parse_TokensConversion_IsRefusedAtItsPath(string json, string path, string message) => Refused(json, path, message);

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": "0.1dur"}}""", "$.schedule.T_max", "'$.schedule.T_max' is \"0.1dur\"; it must be given with a top-level \"duration\"*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "cyclic", "minimum": 32, "maximum": 64, "period": "0.5dur"}}""", "$.batch.period", "*\"duration\"*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "schedulers": [{"type": "constant"}, {"type": "StepLR", "step_size": "0.5dur"}], "milestones": [3]}}""", "$.schedule.schedulers[1].step_size", "*\"duration\"*")]
    public void Parse_FractionOfDurationWithoutDuration_IsRefusedAtItsPath(string json, string path, string message) => Refused(json, path, message);

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": "2ep"}, "batch": {"type": "linear_ramp", "start": 32, "increment": 32, "ramp_samples": 1000, "target": 64}}""", "$.schedule.T_max", "'$.schedule.T_max' is \"2ep\"; converting epochs to steps needs a fixed batch size and the dataset size: the batch section is \"linear_ramp\", whose size varies; write it in ba instead.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": "2ep"}, "batch": {"type": "fixed", "batch_size": 32, "on_plateau": {}}}""", "$.schedule.T_max", "*needs a fixed batch size and the dataset size: the batch section's on_plateau varies the batch size*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingLR", "T_max": "2ep"}}""", "$.schedule.T_max", "*needs a fixed batch size and the dataset size: the spec has no \"batch\" section*")]
    [InlineData("""{"lr": 0.1, "clock": "epochs", "schedule": {"type": "MultiStepLR", "milestones": [1, "100ba"]}}""", "$.schedule.milestones[1]", "*converting steps to epochs needs a fixed batch size and the dataset size*")]
    [InlineData("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": "10ba"}}""", "$.schedule.step_size", "*converting steps to samples needs a fixed batch size: the spec has no \"batch\" section*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "steps", "milestones": ["1ep"], "sizes": [32, 64]}}""", "$.batch.milestones[0]", "*converting epochs to steps*\"steps\", whose size varies*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": "0.5dur"}, "batch": {"type": "geometric", "initial": 32, "factor": 2, "interval": 1, "maximum": 64}, "duration": "2ep"}""", "$.schedule.step_size", "*converting epochs (the duration's unit) to steps needs*")]
    public void Parse_StepsWithoutAFixedBatch_IsRefusedAtItsPath(string json, string path, string message) => Refused(json, path, message);

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "gamma": "2ep"}}""", "$.schedule.gamma", "'$.schedule.gamma' is \"2ep\"; it must be a finite number.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "CosineAnnealingWarmRestarts", "T_0": "2ep", "T_mult": "2ep"}}""", "$.schedule.T_mult", "*it must be a whole number.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "epochs": "2ep", "steps_per_epoch": 5}}""", "$.schedule.epochs", "*it must be a whole number.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": 10, "num_cycles": "0.5dur"}}""", "$.schedule.num_cycles", "*it must be a finite number.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "geometric", "initial": 32, "factor": "2ep", "interval": 1, "maximum": 64}}""", "$.batch.factor", "*it must be a finite number.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "noise_adaptive", "initial_batch_size": 32, "update_interval": "100ba"}}""", "$.batch.update_interval", "*it must be a whole number.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3}, "on_plateau": {"patience": "5ep"}}""", "$.on_plateau.patience", "*it must be a whole number.*")]
    public void Parse_UnitOnANonPosition_IsRefusedAsBefore(string json, string path, string message) => Refused(json, path, message);

    [Theory]
    [InlineData("\"2 days\"", "*\"2 days\"; it must be a finite number on the clock it is read on, a string with a unit*")]
    [InlineData("\"2\"", "*\"2\"; it must be a finite number*")]
    [InlineData("\"0ep\"", "*\"0ep\"*a string with a unit*")]
    [InlineData("\"1.5ba\"", "*\"1.5ba\"*a string with a unit*")]
    [InlineData("\"-0.5dur\"", "*\"-0.5dur\"; it must be a fraction greater than zero followed by dur*")]
    [InlineData("\"halfdur\"", "*a fraction greater than zero followed by dur*")]
    [InlineData("true", "*true; it must be a finite number on the clock it is read on*")]
    public void Parse_MalformedPosition_IsRefusedAtItsPath(string value, string message) =>
        Refused("{\"lr\": 0.1, \"schedule\": {\"type\": \"StepLR\", \"step_size\": " + value + "}}", "$.schedule.step_size", message);

    [Fact]
    public void Parse_MalformedPositionInAnArray_NamesItsIndex() =>
        Refused("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "schedulers": [{"type": "constant"}, {"type": "constant"}], "milestones": ["2 days"]}}""", "$.schedule.milestones[0]", "*\"2 days\"*");

    [Fact]
    public void Build_DatasetSizeBelowOne_IsRefused()
    {
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "constant"}}""");

        Action act = () => spec.Build(0);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("datasetSize");
    }

    [Fact]
    public void ToJson_PositionsWithUnits_KeepsTheUnitsAndRoundTrips()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "clock": "samples", "schedule": {"type": "SequentialLR", "schedulers": [{"type": "LinearLR", "total_iters": " 5e2sp "}, {"type": "inverse_sqrt", "num_warmup_steps": "1ep"}], "milestones": [5, "0.25dur"]}, "batch": {"type": "geometric", "initial": 32, "factor": 2, "interval": "5e4sp", "maximum": 64}, "duration": "4ep"}""");

        string json = spec.ToJson();

        json.Should().Contain("\"total_iters\": \"500sp\"")
            .And.Contain("\"num_warmup_steps\": \"1ep\"")
            .And.Contain("\"timescale\": \"1ep\"")
            .And.Contain("\"interval\": \"50000sp\"");
        json.Should().MatchRegex("\"milestones\": \\[\\s*5,\\s*\"0.25dur\"\\s*\\]");
        ScheduleSpec again = ScheduleSpec.Parse(json);
        again.Should().Be(spec);
        again.ToJson().Should().Be(json);
        again.GetHashCode().Should().Be(spec.GetHashCode());
    }

    [Fact]
    public void Equals_UnitAndItsConvertedNumber_AreDifferentSpecs()
    {
        ScheduleSpec withUnit = ScheduleSpec.Parse("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": "2ep"}}""");
        ScheduleSpec plain = ScheduleSpec.Parse("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": 1000}}""");

        withUnit.Should().NotBe(plain, "the canonical form keeps what was written; the dataset size comes at build time");
    }

    private static string Plan(string batch) =>
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": """ + batch + ", \"duration\": \"1000ba\"}";

    [Fact]
    public void Parse_TokensConversion_SaysWhatToWriteInstead() =>
        Refused(
            """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": "1e6tok"}}""",
            "$.schedule.step_size",
            "'$.schedule.step_size' is \"1000000tok\"; converting tokens to steps needs the tokens of each sample, which a spec does not know: write it in ba, or put it on the tokens clock.*");

    [Fact]
    public void Build_PositionInfiniteOnceConverted_IsRefused()
    {
        // 1e308 epochs of 1e6 samples is 1e314 samples, past double.MaxValue (about 1.8e308); "R" writes 1e308 as 1E+308.
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "exponential_decay", "decay_rate": 0.5, "decay_steps": "1e308ep"}}""");

        Action act = () => spec.Build(datasetSize: 1_000_000);

        act.Should().Throw<ScheduleSpecException>()
            .Where(e => e.Path == "$.schedule.decay_steps")
            .WithMessage("'$.schedule.decay_steps' is \"1E+308ep\"; once converted to samples it must be a finite number.*");
    }

    [Fact]
    public void Build_WholeNumberPositionPastIntMaxOnceConverted_IsRefused()
    {
        // 1e10 epochs of 1000 samples is 1e13 samples, more than int.MaxValue, 2147483647.
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": "1e10ep"}}""");

        Action act = () => spec.Build(datasetSize: 1000);

        act.Should().Throw<ScheduleSpecException>()
            .Where(e => e.Path == "$.schedule.total_steps")
            .WithMessage("'$.schedule.total_steps' is \"10000000000ep\"; once converted to samples it must be a whole number of at most 2147483647.*");
    }

    private static void Refused(string json, string path, string message)
    {
        Action act = () => ScheduleSpec.Parse(json);

        ScheduleSpecException e = act.Should().Throw<ScheduleSpecException>().WithMessage(message).Which;
        e.Path.Should().Be(path);
    }
}
