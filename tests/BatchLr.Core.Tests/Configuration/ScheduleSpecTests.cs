using System;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Configuration;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration;

public class ScheduleSpecTests
{
    public static TheoryData<string> TypeNames => [.. SpecCase.All.Keys];

    [Fact]
    public void Cases_CoverEveryClosedFormType()
    {
        SpecCase.All.Keys.Should().BeEquivalentTo(
            SpecCatalog.TypeNames.Where(n => n is not ("ReduceLROnPlateau" or "reduce_lr_on_plateau")));
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Build_EveryType_EqualsCodeBuiltSchedule(string type)
    {
        SpecCase c = SpecCase.All[type];
        LearningRateSchedule expected = c.Code();

        LearningRateSchedule actual = ScheduleSpec.Parse(c.Json).Build().LearningRates![0];

        for (int s = 0; s <= 3 * c.Steps; s++)
        {
            actual.Evaluate(s).Should().BeApproximately(expected.Evaluate(s), c.Tolerance * Math.Abs(expected.Evaluate(s)), "step {0} of {1}", s, type);
        }
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Build_EveryType_FollowsItsFormula(string type)
    {
        SpecCase c = SpecCase.All[type];

        LearningRateSchedule actual = ScheduleSpec.Parse(c.Json).Build().LearningRates![0];

        for (int s = 0; s < c.Steps; s++)
        {
            actual.Evaluate(s).Should().BeApproximately(c.Formula(s), 1e-12, "step {0} of {1}", s, type);
        }
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void ToJson_EveryType_RoundTripsToEqualSpecAndValues(string type)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(SpecCase.All[type].Json);

        ScheduleSpec again = ScheduleSpec.Parse(spec.ToJson());

        again.Should().Be(spec);
        again.ToJson().Should().Be(spec.ToJson());
        again.GetHashCode().Should().Be(spec.GetHashCode());
        LearningRateSchedule first = spec.Build().LearningRates![0];
        LearningRateSchedule second = again.Build().LearningRates![0];
        for (int s = 0; s < 100; s++)
        {
            second.Evaluate(s).Should().Be(first.Evaluate(s));
        }
    }

    [Fact]
    public void ToJson_StepLR_WritesEveryDefaultAndTheClock()
    {
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 30}}""");

        spec.Should().Be(ScheduleSpec.Parse("""{"lr": 0.1, "clock": "steps", "schedule": {"type": "StepLR", "step_size": 30, "gamma": 0.1}}"""));
        spec.ToJson().Should().Contain("\"gamma\": 0.1").And.Contain("\"clock\": \"steps\"");
    }

    [Fact]
    public void ToJson_InverseSqrtWithoutWarmup_FillsHuggingFaceDefaultTimescale()
    {
        // Hugging Face: timescale = num_warmup_steps or 10_000.
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "inverse_sqrt"}}""");

        spec.ToJson().Should().Contain("\"timescale\": 10000");
        spec.Build().LearningRates![0].Evaluate(30_000).Should().BeApproximately(0.1 / Math.Sqrt(40_000 / 10_000.0), 1e-15);
    }

    [Fact]
    public void Parse_Clock_PlacesSchedulesOnThatClock()
    {
        OptimizerSchedule schedule = ScheduleSpec.Parse("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "StepLR", "step_size": 100}}""").Build();

        schedule.LearningRates![0].Clock.Should().Be(ProgressClock.Samples);
        schedule.GetLearningRate(0, new TrainingProgress(step: 1, samples: 250)).Should().BeApproximately(0.1 * 0.01, 1e-15);
    }

    [Fact]
    public void Build_LrArray_BuildsOneSchedulePerGroupFromItsBase()
    {
        OptimizerSchedule schedule = ScheduleSpec.Parse("""{"lr": [0.1, 0.01], "schedule": {"type": "StepLR", "step_size": 2}}""").Build();

        schedule.GroupCount.Should().Be(2);
        schedule.LearningRates![0].Evaluate(2).Should().BeApproximately(0.1 * 0.1, 1e-15);
        schedule.LearningRates![1].Evaluate(2).Should().BeApproximately(0.01 * 0.1, 1e-15);
    }

    [Fact]
    public void Build_CyclicLRPerGroupLists_PicksEachGroupsValuesAndMomentum()
    {
        OptimizerSchedule schedule = ScheduleSpec.Parse(
            """{"lr": [1, 1], "schedule": {"type": "CyclicLR", "base_lr": [0.01, 0.001], "max_lr": [0.1, 0.01], "step_size_up": 4, "base_momentum": [0.8, 0.7]}}""").Build();

        schedule.HasMomentum.Should().BeTrue();
        for (int s = 0; s < 20; s++)
        {
            double ramp = SpecCase.CyclicRamp(s, 4);
            schedule.GetLearningRate(1, TrainingProgress.AtStep(s)).Should().BeApproximately(0.001 + ((0.01 - 0.001) * ramp), 1e-15);
            schedule.GetMomentum(0, TrainingProgress.AtStep(s)).Should().BeApproximately(0.9 - ((0.9 - 0.8) * ramp), 1e-15);
            schedule.GetMomentum(1, TrainingProgress.AtStep(s)).Should().BeApproximately(0.9 - ((0.9 - 0.7) * ramp), 1e-15);
        }
    }

    [Fact]
    public void Build_OneCycleLR_HasMomentumFollowingPyTorch()
    {
        OptimizerSchedule schedule = ScheduleSpec.Parse(SpecCase.All["OneCycleLR"].Json).Build();

        schedule.HasMomentum.Should().BeTrue();
        for (int s = 0; s < 10; s++)
        {
            schedule.GetMomentum(0, TrainingProgress.AtStep(s)).Should().BeApproximately(SpecCase.OneCycle(s, 0.95, 0.85, 0.95), 1e-12);
        }
    }

    [Fact]
    public void Build_OneCycleLRWithEpochs_EqualsTotalSteps()
    {
        LearningRateSchedule byEpochs = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "epochs": 2, "steps_per_epoch": 5, "cycle_momentum": false}}""").Build().LearningRates![0];
        LearningRateSchedule byTotal = ScheduleSpec.Parse(SpecCase.All["OneCycleLR"].Json).Build().LearningRates![0];

        for (int s = 0; s < 12; s++)
        {
            byEpochs.Evaluate(s).Should().Be(byTotal.Evaluate(s));
        }
    }

    [Fact]
    public void Build_CycleMomentumFalse_HasNoMomentum()
    {
        OptimizerSchedule schedule = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "CyclicLR", "base_lr": 0.01, "max_lr": 0.1, "cycle_momentum": false}}""").Build();

        schedule.HasMomentum.Should().BeFalse();
    }

    [Theory]
    [InlineData("ReduceLROnPlateau")]
    [InlineData("reduce_lr_on_plateau")]
    public void Build_ReduceLROnPlateau_ReducesAfterPatienceLikePyTorch(string type)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(
            "{\"lr\": [0.1, 0.2], \"schedule\": {\"type\": \"" + type + "\", \"patience\": 1, \"factor\": 0.5, \"min_lr\": [0, 0.15]}}");
        var planner = new TrainingPlanner(new TrainingPlannerOptions { Schedule = spec.Build(), BatchSize = BatchSizePolicy.Fixed(1) });

        // First report sets best; a bad report is tolerated (patience 1); the second bad one reduces.
        planner.Report(1.0);
        planner.Report(1.0);
        planner.Plan().GetLearningRate(0).Should().Be(0.1);
        planner.Report(1.0);
        planner.Plan().GetLearningRate(0).Should().Be(0.1 * 0.5);
        planner.Plan().GetLearningRate(1).Should().Be(0.15);
        ScheduleSpec.Parse(spec.ToJson()).Should().Be(spec);
        spec.Build().GetLearningRate(0, default).Should().Be(0.1, "a schedule holds no plateau state; a planner does");
    }

    [Fact]
    public void Build_CosineWithSeveralCycles_FollowsHuggingFaceWave()
    {
        LearningRateSchedule schedule = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "cosine", "num_warmup_steps": 2, "num_training_steps": 12, "num_cycles": 1.25}}""").Build().LearningRates![0];

        // Past num_training_steps the progress exceeds 1 and Hugging Face's lambda goes on along the wave.
        for (int s = 2; s <= 40; s++)
        {
            double progress = (s - 2) / 10.0;
            schedule.Evaluate(s).Should().BeApproximately(0.1 * 0.5 * (1 + Math.Cos(Math.PI * 1.25 * 2 * progress)), 1e-12, "step {0}", s);
        }
    }

    [Fact]
    public void Build_CosineWithMinLr_EqualsMinLrRate()
    {
        LearningRateSchedule absolute = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "cosine_with_min_lr", "num_training_steps": 10, "min_lr": 0.01}}""").Build().LearningRates![0];
        LearningRateSchedule relative = ScheduleSpec.Parse(SpecCase.All["cosine_with_min_lr"].Json).Build().LearningRates![0];

        for (int s = 0; s < 15; s++)
        {
            absolute.Evaluate(s).Should().BeApproximately(relative.Evaluate(s), 1e-15);
        }
    }

    [Fact]
    public void Build_TimmCosineWithPrefixWarmup_ShiftsTheCosine()
    {
        LearningRateSchedule schedule = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "cosine_timm", "t_initial": 10, "warmup_t": 2, "warmup_lr_init": 0.01, "warmup_prefix": true}}""").Build().LearningRates![0];

        for (int s = 0; s < 15; s++)
        {
            double t = s - 2;
            double expected = s < 2 ? 0.01 + (s * (0.1 - 0.01) / 2) : t >= 10 ? 0 : 0.05 * (1 + Math.Cos(Math.PI * t / 10));
            schedule.Evaluate(s).Should().BeApproximately(expected, 1e-15);
        }
    }

    [Fact]
    public void Build_WarmupStableDecayWithStableSteps_IgnoresNoTrainingSteps()
    {
        LearningRateSchedule byStable = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "warmup_stable_decay", "num_warmup_steps": 2, "num_decay_steps": 4, "num_stable_steps": 4}}""").Build().LearningRates![0];
        LearningRateSchedule byTotal = ScheduleSpec.Parse(SpecCase.All["warmup_stable_decay"].Json).Build().LearningRates![0];

        for (int s = 0; s < 15; s++)
        {
            byStable.Evaluate(s).Should().Be(byTotal.Evaluate(s));
        }
    }

    [Fact]
    public void Parse_CommentsInJson_AreSkipped()
    {
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, /* base */ "schedule": {"type": "constant"}}""");

        spec.GroupCount.Should().Be(1);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(1, 0.2)]
    [InlineData(5, null)]
    [InlineData(5, 0.3)]
    public void CosineWarmupWithMinLr_MatchesHuggingFaceLambda(int warmup, double? warmupRate)
    {
        // Hugging Face's _get_cosine_with_min_lr_schedule_with_warmup_lr_rate_lambda, with T = 20, min_lr_rate = 0.05:
        // t < W: (t + 1) / max(1, W), or r + (1 - r) · t / max(1, W - 1) when warmup_lr_rate r is set;
        // otherwise p = (t - W + 1) / max(1, T - W), factor = 0.05 + 0.95 · (1 + cos(π p)) / 2.
        const double B = 0.2;
        string rate = warmupRate is { } r ? ", \"warmup_lr_rate\": " + r.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        string json = "{\"lr\": 0.2, \"schedule\": {\"type\": \"cosine_warmup_with_min_lr\", \"num_warmup_steps\": " + warmup + ", \"num_training_steps\": 20, \"min_lr_rate\": 0.05" + rate + "}}";
        LearningRateSchedule schedule = ScheduleSpec.Parse(json).Build().LearningRates![0];

        // Up to t = T - 1 p reaches 1; past it Hugging Face's cosine rises again, and so does BatchLr's.
        for (int t = 0; t < 60; t++)
        {
            double factor;
            if (t < warmup)
            {
                factor = warmupRate is { } wr ? wr + ((1 - wr) * t / Math.Max(1, warmup - 1)) : (t + 1.0) / Math.Max(1, warmup);
            }
            else
            {
                double p = (t - warmup + 1.0) / Math.Max(1, 20 - warmup);
                factor = 0.05 + (0.95 * 0.5 * (1 + Math.Cos(Math.PI * p)));
            }

            schedule.Evaluate(t).Should().BeApproximately(B * factor, 1e-12 * B, "at step {0}", t);
        }
    }

    [Fact]
    public void CosineWarmupWithMinLr_WarmupRateOutOfRange_NamesItsPath()
    {
        var act = () => ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "cosine_warmup_with_min_lr", "num_warmup_steps": 3, "num_training_steps": 10, "min_lr_rate": 0.1, "warmup_lr_rate": 1.5}}""");

        act.Should().Throw<ScheduleSpecException>().Where(e => e.Path == "$.schedule.warmup_lr_rate");
    }

    [Theory]
    [InlineData("cycle")]
    [InlineData("iterations")]
    public void CyclicLR_ScaleModeWithBuiltInMode_IsIgnoredAsInPyTorch(string scaleMode)
    {
        // PyTorch uses scale_mode only with a custom scale_fn: exp_range always scales by gamma^iteration.
        // Step 35 with step_size_up 5: cycle 4, x = 0.5 → ramp 1, so lr = 0.01 + 0.09 · 0.9^35.
        LearningRateSchedule schedule = ScheduleSpec.Parse(
            "{\"lr\": 0.1, \"schedule\": {\"type\": \"CyclicLR\", \"base_lr\": 0.01, \"max_lr\": 0.1, \"step_size_up\": 5, \"mode\": \"exp_range\", \"gamma\": 0.9, \"scale_mode\": \"" + scaleMode + "\"}}")
            .Build().LearningRates![0];

        schedule.Evaluate(35).Should().BeApproximately(0.01 + (0.09 * Math.Pow(0.9, 35)), 1e-15);
    }

    [Fact]
    public void Parse_NegativeZero_IsCanonicalZero()
    {
        ScheduleSpec.Parse("""{"lr": -0.0, "schedule": {"type": "CosineAnnealingLR", "T_max": 10, "eta_min": -0.0}}""")
            .Should().Be(ScheduleSpec.Parse("""{"lr": 0, "schedule": {"type": "CosineAnnealingLR", "T_max": 10, "eta_min": 0}}"""));
    }

    [Fact]
    public void WarmupStableDecay_NumCycles_FollowsHuggingFaceCosine()
    {
        // get_wsd_schedule with W = 2, S = 3, D = 8, min_lr_ratio 0.1, num_cycles 1: decay factor
        // 0.1 + 0.9 · 0.5 · (1 + cos(2π · 1 · p)) with p = (t - 5) / 8, then 0.1 from t = 13.
        LearningRateSchedule schedule = ScheduleSpec.Parse(
            """{"lr": 2.0, "schedule": {"type": "warmup_stable_decay", "num_warmup_steps": 2, "num_stable_steps": 3, "num_decay_steps": 8, "min_lr_ratio": 0.1, "num_cycles": 1}}""")
            .Build().LearningRates![0];

        for (int t = 0; t < 20; t++)
        {
            double factor = t < 2 ? (t / 2.0 * 0.9) + 0.1
                : t < 5 ? 1.0
                : t < 13 ? 0.1 + (0.9 * 0.5 * (1 + Math.Cos(2 * Math.PI * (t - 5) / 8.0)))
                : 0.1;
            schedule.Evaluate(t).Should().BeApproximately(2.0 * factor, 1e-12, "at step {0}", t);
        }
    }

    [Fact]
    public void Cosine_ZeroCycles_IsConstantAsInHuggingFace()
    {
        LearningRateSchedule schedule = ScheduleSpec.Parse("""{"lr": 0.3, "schedule": {"type": "cosine", "num_training_steps": 10, "num_cycles": 0}}""")
            .Build().LearningRates![0];

        schedule.Evaluate(0).Should().Be(0.3);
        schedule.Evaluate(7).Should().Be(0.3);
    }

    [Fact]
    public void ReduceLROnPlateau_BadPerGroupMinLr_NamesItsIndexOnce()
    {
        var act = () => ScheduleSpec.Parse("""{"lr": [0.1, 0.2], "schedule": {"type": "ReduceLROnPlateau", "min_lr": [0, -1]}}""");

        act.Should().Throw<ScheduleSpecException>().Where(e => e.Path == "$.schedule.min_lr[1]");
    }

    [Fact]
    public void CosineWarmupWithMinLr_BadWarmupRateWithoutWarmup_IsStillRejected()
    {
        var act = () => ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "cosine_warmup_with_min_lr", "num_training_steps": 10, "min_lr_rate": 0.1, "warmup_lr_rate": 2}}""");

        act.Should().Throw<ScheduleSpecException>().Where(e => e.Path == "$.schedule.warmup_lr_rate");
    }

    [Fact]
    public void Parse_ParameterOfAParameterlessType_SaysItTakesNone()
    {
        var act = () => ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "constant", "num_warmup_steps": 3}}""");

        act.Should().Throw<ScheduleSpecException>().Where(e => e.Path == "$.schedule.num_warmup_steps").WithMessage("*it takes none*");
    }
}
