using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using BatchLr.Batching;
using BatchLr.Configuration;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration;

/// <summary>Tests of the spec's plan keys, <c>duration</c> and <c>evaluation_interval</c>, and of the <c>on_plateau</c> sections.</summary>
public class ScheduleSpecPlanTests
{
    private const string Constant = """{"lr": 0.1, "schedule": {"type": "constant"}""";
    private const string Batch = """ "batch": {"type": "fixed", "batch_size": 10}""";

    public static TheoryData<string> SpecsWithEveryNewKey =>
    [
        """
        {"lr": [0.1, 0.2], "clock": "samples", "schedule": {"type": "StepLR", "step_size": 1000},
         "on_plateau": {"mode": "max", "patience": 2, "threshold": 0.01, "threshold_mode": "abs", "cooldown": 1, "factor": 0.5, "min_factor": [0.1, 0.2], "eps": 0, "monitor": "loss", "loss_window": 10},
         "batch": {"type": "fixed", "batch_size": 32, "on_plateau": {"mode": "max", "patience": 3, "threshold": 0.1, "threshold_mode": "abs", "cooldown": 2, "factor": 0.5, "monitor": "loss", "loss_window": 5}},
         "duration": "2ep", "evaluation_interval": "0.25dur"}
        """,
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 10}, "duration": 5000, "evaluation_interval": 100}""",
        """{"lr": 0.1, "clock": "tokens", "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 10}, "duration": "1e9tok", "evaluation_interval": "5e4sp"}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 10}, "duration": "3ep", "evaluation_interval": "0.1dur"}""",
        """{"lr": 0.1, "clock": "epochs", "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 10}, "duration": 2.5, "evaluation_interval": 0.5}""",
        """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 10}, "duration": null, "evaluation_interval": null}""",
        """{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": 100}, "on_plateau": {}}""",
        """{"lr": 0.1, "schedule": {"type": "cosine", "num_training_steps": 100}, "on_plateau": {"min_factor": 0.01}, "batch": {"type": "steps", "milestones": [10], "sizes": [8, 16], "on_plateau": {}}, "duration": "100ba"}""",
    ];

    [Theory]
    [InlineData(null, 100, ProgressClock.Steps)]
    [InlineData("steps", 100, ProgressClock.Steps)]
    [InlineData("samples", 5000, ProgressClock.Samples)]
    [InlineData("tokens", 1e6, ProgressClock.Tokens)]
    [InlineData("epochs", 2.5, ProgressClock.Epochs)]
    public void Duration_PlainNumber_IsOnTheSpecsClock(string? clock, double number, ProgressClock expected)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(WithClock(clock, "\"duration\": " + Json(number)));

        spec.BuildPlannerOptions(datasetSize: 1000).Duration.Should().Be(TrainingDuration.On(number, expected));
    }

    [Theory]
    [InlineData("2ep", 2.0, ProgressClock.Epochs)]
    [InlineData("0.5ep", 0.5, ProgressClock.Epochs)]
    [InlineData("1000ba", 1000.0, ProgressClock.Steps)]
    [InlineData("5e4sp", 50_000.0, ProgressClock.Samples)]
    [InlineData("1e6tok", 1_000_000.0, ProgressClock.Tokens)]
    [InlineData(" 3ep ", 3.0, ProgressClock.Epochs)]
    public void Duration_StringWithUnit_IsOnThatUnitsClockWhateverTheSpecsClock(string text, double value, ProgressClock clock)
    {
        TrainingDuration expected = TrainingDuration.On(value, clock);

        foreach (string? specClock in new[] { null, "samples", "epochs" })
        {
            ScheduleSpec spec = ScheduleSpec.Parse(WithClock(specClock, "\"duration\": \"" + text + "\""));

            spec.BuildPlannerOptions(datasetSize: 1000).Duration.Should().Be(expected, "on the {0} clock", specClock ?? "default");
        }
    }

    [Fact]
    public void DurationAndEvaluationInterval_NullOrLeftOut_AreNull()
    {
        TrainingPlannerOptions leftOut = ScheduleSpec.Parse(Constant + "," + Batch + "}").BuildPlannerOptions();
        TrainingPlannerOptions nulls = ScheduleSpec.Parse(Constant + "," + Batch + """, "duration": null, "evaluation_interval": null}""").BuildPlannerOptions();

        leftOut.Duration.Should().BeNull();
        leftOut.EvaluationInterval.Should().BeNull();
        nulls.Duration.Should().BeNull();
        nulls.EvaluationInterval.Should().BeNull();
    }

    [Theory]
    [InlineData(null, "1.5", "'$.duration' is 1.5; it must be a whole number from 1 to 2^53 on the spec's clock, steps.*")]
    [InlineData(null, "0", "'$.duration' is 0; it must be a whole number from 1 to 2^53 on the spec's clock, steps.*")]
    [InlineData(null, "1e16", "*whole number from 1 to 2^53 on the spec's clock, steps*")]
    [InlineData("samples", "2.5", "*whole number from 1 to 2^53 on the spec's clock, samples*")]
    [InlineData("epochs", "-1", "'$.duration' is -1; it must be a finite number greater than zero on the spec's clock, epochs.*")]
    [InlineData(null, "1e400", "*1e400*a finite number*")]
    [InlineData(null, "\"2 days\"", "'$.duration' is \"2 days\"; it must be a number on the spec's clock, a string with a unit*")]
    [InlineData(null, "\"1.5ba\"", "*\"1.5ba\"*a string with a unit*")]
    [InlineData(null, "\"2\"", "*\"2\"*a string with a unit*")]
    [InlineData(null, "true", "'$.duration' is true; it must be a number on the spec's clock*")]
    [InlineData(null, "{}", "'$.duration' is an object;*")]
    [InlineData(null, "\"0.5dur\"", "'$.duration' is \"0.5dur\"; it must be a length with a unit*cannot be a fraction of itself*")]
    public void Duration_Invalid_NamesItsPath(string? clock, string value, string message) =>
        Check(WithClock(clock, "\"duration\": " + value), "$.duration", message);

    [Theory]
    [InlineData(null, "50", 50.0, ProgressClock.Steps)]
    [InlineData("samples", "500", 500.0, ProgressClock.Samples)]
    [InlineData("epochs", "0.5", 0.5, ProgressClock.Epochs)]
    [InlineData("tokens", "\"100ba\"", 100.0, ProgressClock.Steps)]
    [InlineData(null, "\"0.5ep\"", 0.5, ProgressClock.Epochs)]
    [InlineData(null, "\"5e4sp\"", 50_000.0, ProgressClock.Samples)]
    public void EvaluationInterval_NumberOrUnit_IsRead(string? clock, string value, double expected, ProgressClock expectedClock)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(WithClock(clock, "\"evaluation_interval\": " + value));

        spec.BuildPlannerOptions(datasetSize: 1000).EvaluationInterval.Should().Be(TrainingDuration.On(expected, expectedClock));
    }

    [Theory]

    // On epochs the fraction is kept as it is: 0.25 × 2 = 0.5 epochs, 0.1 × 3 epochs.
    [InlineData("\"2ep\"", "0.25dur", 0.5, ProgressClock.Epochs)]
    [InlineData("\"3ep\"", "0.1dur", 0.1 * 3, ProgressClock.Epochs)]

    // On a counting clock it is rounded to the nearest whole number, at least 1.
    [InlineData("\"1000ba\"", "0.1dur", 100.0, ProgressClock.Steps)]
    [InlineData("\"1000ba\"", "0.3332dur", 333.0, ProgressClock.Steps)]
    [InlineData("\"1000ba\"", "0.3337dur", 334.0, ProgressClock.Steps)]
    [InlineData("\"5ba\"", "0.5dur", 3.0, ProgressClock.Steps)] // a half rounds up: 2.5 → 3, 3.5 → 4
    [InlineData("\"7ba\"", "0.5dur", 4.0, ProgressClock.Steps)]
    [InlineData("\"1000ba\"", "0.0001dur", 1.0, ProgressClock.Steps)]
    [InlineData("\"1000ba\"", "1e-20dur", 1.0, ProgressClock.Steps)]
    [InlineData("\"1000ba\"", "2dur", 2000.0, ProgressClock.Steps)]
    [InlineData("\"1000ba\"", " 0.5dur ", 500.0, ProgressClock.Steps)]
    [InlineData("\"5e4sp\"", "0.01dur", 500.0, ProgressClock.Samples)]

    // A plain duration is on the spec's clock (samples here), and so is its fraction.
    [InlineData("5000", "0.1dur", 500.0, ProgressClock.Samples)]
    public void EvaluationInterval_FractionOfTheDuration_IsOnTheDurationsClock(string duration, string fraction, double expected, ProgressClock clock)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(WithClock("samples", "\"duration\": " + duration + ", \"evaluation_interval\": \"" + fraction + "\""));

        spec.BuildPlannerOptions(datasetSize: 1000).EvaluationInterval.Should().Be(TrainingDuration.On(expected, clock));
    }

    [Fact]
    public void EvaluationInterval_FractionGivenBeforeTheDuration_StillReadsIt()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Constant + """, "evaluation_interval": "0.5dur", "duration": "10ba", """ + Batch + "}");

        spec.BuildPlannerOptions().EvaluationInterval.Should().Be(TrainingDuration.Steps(5));
    }

    [Theory]
    [InlineData("", "\"0.1dur\"", "'$.evaluation_interval' is \"0.1dur\"; it must be given with a \"duration\", since a fraction of the duration needs one.*")]
    [InlineData("\"duration\": null, ", "\"0.1dur\"", "*given with a \"duration\"*")]
    [InlineData("", "\"1e6tok\"", "'$.evaluation_interval' is \"1000000tok\"; it must be in steps (ba), samples (sp) or epochs (ep), since a plan cannot know a step's tokens before the step.*")]
    [InlineData("\"duration\": \"1e7tok\", ", "\"0.1dur\"", "*\"1000000tok\"*in steps (ba), samples (sp) or epochs (ep)*")]
    [InlineData("\"duration\": \"10ba\", ", "\"0dur\"", "*\"0dur\"*a fraction greater than zero followed by dur*")]
    [InlineData("\"duration\": \"10ba\", ", "\"-0.5dur\"", "*a fraction greater than zero followed by dur*")]
    [InlineData("\"duration\": \"10ba\", ", "\"halfdur\"", "*a fraction greater than zero followed by dur*")]
    [InlineData("\"duration\": \"10ba\", ", "\"dur\"", "*a fraction greater than zero followed by dur*")]
    [InlineData("\"duration\": \"1000ba\", ", "\"1e300dur\"", "*\"1e300dur\"*whole number from 1 to 2^53 once multiplied by the duration*")]
    [InlineData("", "1.5", "*whole number from 1 to 2^53 on the spec's clock, steps*")]
    [InlineData("", "\"every epoch\"", "*a string with a unit*")]
    [InlineData("", "false", "'$.evaluation_interval' is false;*")]
    [InlineData("", "[100]", "'$.evaluation_interval' is an array;*")]
    public void EvaluationInterval_Invalid_NamesItsPath(string duration, string value, string message) =>
        Check(Constant + ", " + duration + "\"evaluation_interval\": " + value + "," + Batch + "}", "$.evaluation_interval", message);

    [Fact]
    public void EvaluationInterval_PlainNumberOnTheTokensClock_IsRefused() =>
        Check(WithClock("tokens", "\"evaluation_interval\": 1000"), "$.evaluation_interval", "*\"1000tok\"*in steps (ba), samples (sp) or epochs (ep)*");

    [Theory]
    [InlineData("duration", "\"2ep\"")]
    [InlineData("duration", "null")]
    [InlineData("evaluation_interval", "100")]
    public void PlanKeys_WithoutBatchSection_AreRefusedAsScalingIs(string key, string value) =>
        Check(Constant + ", \"" + key + "\": " + value + "}", "$." + key, "'$." + key + "' is given without a \"batch\" section; it must be left out, or given with one*");

    [Theory]
    [InlineData("""{"type": "StepLR", "step_size": 3, "gamma": 0.5}""", null)]
    [InlineData("""{"type": "StepLR", "step_size": 30, "gamma": 0.5}""", "samples")]
    [InlineData("""{"type": "cosine", "num_warmup_steps": 2, "num_training_steps": 20}""", null)]
    [InlineData("""{"type": "OneCycleLR", "max_lr": [1, 2], "total_steps": 20}""", null)]
    public void Build_OnPlateau_HasPlateauAndTheRatesOfTheSameSpecWithoutIt(string schedule, string? clock)
    {
        string clockPart = clock is null ? string.Empty : "\"clock\": \"" + clock + "\", ";
        string without = "{\"lr\": [0.1, 0.2], " + clockPart + "\"schedule\": " + schedule;
        OptimizerSchedule plain = ScheduleSpec.Parse(without + "}").Build();

        OptimizerSchedule reactive = ScheduleSpec.Parse(without + """, "on_plateau": {"patience": 0, "factor": 0.5}}""").Build();

        plain.HasPlateau.Should().BeFalse();
        reactive.HasPlateau.Should().BeTrue();
        reactive.GroupCount.Should().Be(2);
        reactive.HasMomentum.Should().Be(plain.HasMomentum);
        foreach (long s in new long[] { 0, 1, 2, 3, 7, 19, 25, 60, 150 })
        {
            var progress = new TrainingProgress(s, s * 10, s * 100, s / 100.0);
            for (int g = 0; g < 2; g++)
            {
                reactive.GetLearningRate(g, progress).Should().Be(plain.GetLearningRate(g, progress), "group {0} at {1}", g, progress);
            }
        }
    }

    [Fact]
    public void OnPlateau_Defaults_ReduceBy0Point1AfterTenBadReports()
    {
        // patience 10: the best, then ten bad reports are tolerated; the eleventh reduces the factor 1 → 0.1 (factor 0.1).
        double[] metrics = [.. Enumerable.Repeat(1.0, 12)];
        double[] factors = [.. Enumerable.Repeat(1.0, 11), 0.1];

        RateFactors("{}", metrics).Should().Equal(factors);
    }

    [Fact]
    public void OnPlateau_MinFactorPerGroup_FloorsEachGroup()
    {
        // Each bad report (patience 0) multiplies m by 0.1, but never below min_factor: group 0 stops at 0.5 (1 · 0.1 is
        // below it), group 1 goes to 0.1, then to 0.05 (0.1 · 0.1 is below it).
        double[][] factors = RateFactorsPerGroup("""{"patience": 0, "factor": 0.1, "min_factor": [0.5, 0.05]}""", 1, 1, 1, 1);

        factors.Select(f => f[0]).Should().Equal(1, 0.5, 0.5, 0.5);
        factors.Select(f => f[1]).Should().Equal(1, 0.1, 0.05, 0.05);
    }

    [Fact]
    public void OnPlateau_MinFactorNumber_FloorsEveryGroup()
    {
        double[][] factors = RateFactorsPerGroup("""{"patience": 0, "factor": 0.5, "min_factor": 0.3}""", 1, 1, 1, 1);

        factors.Should().AllSatisfy(f => f[1].Should().Be(f[0]));
        factors.Select(f => f[0]).Should().Equal(1, 0.5, 0.3, 0.3);
    }

    [Theory]
    [InlineData(0.6, new[] { 1.0, 1.0, 1.0, 1.0 })] // 1 → 0.5 changes 0.5, not more than eps: skipped, every time.
    [InlineData(0.4, new[] { 1.0, 0.5, 0.5, 0.5 })] // 1 → 0.5 changes 0.5 > 0.4; 0.5 → 0.25 changes 0.25: skipped.
    [InlineData(0.0, new[] { 1.0, 0.5, 0.25, 0.125 })]
    public void OnPlateau_Eps_SkipsASmallerChangeOfTheFactor(double eps, double[] factors) =>
        RateFactors("{\"patience\": 0, \"factor\": 0.5, \"eps\": " + Json(eps) + "}", 1, 1, 1, 1).Should().Equal(factors);

    [Theory]
    [InlineData("min", new[] { 1.0, 0.5, 0.25, 0.25 })] // 2 and 3 are worse than 1; 0.5 is better.
    [InlineData("max", new[] { 1.0, 1.0, 1.0, 0.5 })]   // 2 and 3 are better; 0.5 is worse.
    public void OnPlateau_Mode_DecidesWhichWayIsBetter(string mode, double[] factors) =>
        RateFactors("{\"patience\": 0, \"factor\": 0.5, \"mode\": \"" + mode + "\"}", 1, 2, 3, 0.5).Should().Equal(factors);

    [Theory]
    [InlineData("abs", 0.5)] // better only below 0.5 - 0.2 = 0.3: 0.35 is bad.
    [InlineData("rel", 1.0)] // better below 0.5 · (1 - 0.2) = 0.4: 0.35 is better.
    public void OnPlateau_ThresholdMode_MeasuresTheThreshold(string thresholdMode, double factor) =>
        RateFactors("{\"patience\": 0, \"factor\": 0.5, \"threshold\": 0.2, \"threshold_mode\": \"" + thresholdMode + "\"}", 0.5, 0.35).Should().Equal(1, factor);

    [Fact]
    public void OnPlateau_Cooldown_HoldsTheCountAtZeroAfterAReduction()
    {
        // The best, then a reduction; cooldown 1 ignores the next bad report; the one after reduces again.
        RateFactors("""{"patience": 0, "factor": 0.5, "cooldown": 1}""", 1, 1, 1, 1).Should().Equal(1, 0.5, 0.5, 0.25);
    }

    [Fact]
    public void OnPlateau_MonitorLoss_WatchesWindowsOfTrainingLossAndIgnoresReports()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(
            """{"lr": 1, "schedule": {"type": "constant"}, "on_plateau": {"patience": 0, "factor": 0.5, "monitor": "loss", "loss_window": 2}, "batch": {"type": "fixed", "batch_size": 1}}""");
        var planner = new TrainingPlanner(spec.BuildPlannerOptions());

        planner.Report(1);
        planner.Report(1);
        planner.Plan().LearningRate.Should().Be(1, "reported metrics are not watched");

        // Windows of two losses: the first mean, 1, is the best; the second, 1 again, is bad and reduces (patience 0).
        var factors = new List<double>();
        for (int i = 0; i < 4; i++)
        {
            planner.Complete(new StepOutcome(1) { Loss = 1 });
            factors.Add(planner.Plan().LearningRate);
        }

        factors.Should().Equal(1, 1, 1, 0.5);
    }

    [Fact]
    public void OnPlateau_MonitorMetricByDefault_IgnoresTrainingLoss()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(
            """{"lr": 1, "schedule": {"type": "constant"}, "on_plateau": {"patience": 0, "factor": 0.5, "loss_window": 1}, "batch": {"type": "fixed", "batch_size": 1}}""");
        var planner = new TrainingPlanner(spec.BuildPlannerOptions());

        for (int i = 0; i < 3; i++)
        {
            planner.Complete(new StepOutcome(1) { Loss = 1 });
        }

        planner.Plan().LearningRate.Should().Be(1, "training losses are not watched");
        planner.Report(1);
        planner.Report(1);
        planner.Plan().LearningRate.Should().Be(0.5);
    }

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "ReduceLROnPlateau"}, "on_plateau": {}}""", "$.on_plateau", "'$.on_plateau' is given with \"ReduceLROnPlateau\"; it must be left out, since ReduceLROnPlateau already reduces on plateau*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "reduce_lr_on_plateau"}, "on_plateau": {"factor": 0.5}}""", "$.on_plateau", "*already reduces on plateau*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"pateince": 3}}""", "$.on_plateau.pateince", "'$.on_plateau.pateince' is not a parameter of on_plateau; it takes mode, patience, threshold, threshold_mode, cooldown, factor, min_factor, eps, monitor, loss_window.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"type": "ReduceLROnPlateau"}}""", "$.on_plateau.type", "*not a parameter of on_plateau*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"monitor": "val_loss"}}""", "$.on_plateau.monitor", "*\"val_loss\"*one of \"metric\", \"loss\"*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"mode": "avg"}}""", "$.on_plateau.mode", "*one of \"min\", \"max\"*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"threshold_mode": "pct"}}""", "$.on_plateau.threshold_mode", "*one of \"rel\", \"abs\"*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"factor": 1.5}}""", "$.on_plateau.factor", "'$.on_plateau.factor' is 1.5; it must be greater than zero and less than 1.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"factor": 0}}""", "$.on_plateau.factor", "*greater than zero and less than 1*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"loss_window": 0}}""", "$.on_plateau.loss_window", "'$.on_plateau.loss_window' is 0; it must be 1 or more.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"patience": -1}}""", "$.on_plateau.patience", "*zero or more*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"patience": 2.5}}""", "$.on_plateau.patience", "*whole number*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"cooldown": -1}}""", "$.on_plateau.cooldown", "*zero or more*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"threshold": -0.1}}""", "$.on_plateau.threshold", "*zero or more*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"eps": -1}}""", "$.on_plateau.eps", "*zero or more*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"min_factor": [0, 0]}}""", "$.on_plateau.min_factor", "'$.on_plateau.min_factor' is an array of 2; it must be a number, or an array with one number per parameter group (1, as many as lr has).*")]
    [InlineData("""{"lr": [0.1, 0.2], "schedule": {"type": "constant"}, "on_plateau": {"min_factor": [0]}}""", "$.on_plateau.min_factor", "*an array of 1*(2, as many as lr has)*")]
    [InlineData("""{"lr": [0.1, 0.2], "schedule": {"type": "constant"}, "on_plateau": {"min_factor": [0, -1]}}""", "$.on_plateau.min_factor[1]", "'$.on_plateau.min_factor[1]' is -1; it must be a finite number zero or more.*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"min_factor": -1}}""", "$.on_plateau.min_factor", "'$.on_plateau.min_factor' is -1; it must be a finite number zero or more*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": {"min_factor": "0"}}""", "$.on_plateau.min_factor", "*a number or an array of numbers*")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "constant"}, "on_plateau": 0.5}""", "$.on_plateau", "'$.on_plateau' is 0.5; it must be an object with the parameters of on_plateau.*")]
    public void OnPlateau_Invalid_NamesItsPath(string json, string path, string message) =>
        Check(json, path, message);

    [Fact]
    public void ReduceLROnPlateau_NegativeScalarMinLr_NamesTheFieldNotAnIndex() =>
        Check("""{"lr": [0.1, 0.2], "schedule": {"type": "ReduceLROnPlateau", "min_lr": -1}}""", "$.schedule.min_lr", "'$.schedule.min_lr' is -1; it must be a finite number zero or more*");

    [Theory]
    [InlineData("ReduceLROnPlateau")]
    [InlineData("reduce_lr_on_plateau")]
    public void ReduceLROnPlateau_MonitorLoss_WatchesTrainingLoss(string type)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(
            "{\"lr\": 0.4, \"schedule\": {\"type\": \"" + type + "\", \"patience\": 0, \"factor\": 0.5, \"monitor\": \"loss\", \"loss_window\": 3}, \"batch\": {\"type\": \"fixed\", \"batch_size\": 1}}");
        var planner = new TrainingPlanner(spec.BuildPlannerOptions());
        planner.Report(1);
        planner.Report(1);

        // Windows of three losses: the first mean is the best, the second equal one is bad and halves the rate.
        var rates = new List<double>();
        for (int i = 0; i < 6; i++)
        {
            planner.Complete(new StepOutcome(1) { Loss = 2 });
            rates.Add(planner.Plan().LearningRate);
        }

        rates.Should().Equal(0.4, 0.4, 0.4, 0.4, 0.4, 0.2);
        spec.ToJson().Should().Contain("\"monitor\": \"loss\"").And.Contain("\"loss_window\": 3");
    }

    [Theory]
    [InlineData("""{"monitor": "val"}""", "$.schedule.monitor", "*one of \"metric\", \"loss\"*")]
    [InlineData("""{"loss_window": 0}""", "$.schedule.loss_window", "*1 or more*")]
    [InlineData("""{"loss_window": 1.5}""", "$.schedule.loss_window", "*whole number*")]
    public void ReduceLROnPlateau_BadMonitorParameter_NamesItsPath(string parameters, string path, string message) =>
        Check("{\"lr\": 0.1, \"schedule\": {\"type\": \"ReduceLROnPlateau\", " + parameters[1..] + "}", path, message);

    [Fact]
    public void BatchOnPlateau_FactorBelowOne_ShrinksTheBatch()
    {
        // 64 · 0.5 at the first plateau, · 0.25 at the second; then the smallest allowed size, 20, holds.
        int[] sizes = BatchSizes("""{"type": "fixed", "batch_size": 64, "min_batch_size": 20, "on_plateau": {"patience": 0, "factor": 0.5}}""", default, 1, 1, 1, 1);

        sizes.Should().Equal(64, 32, 20, 20);
    }

    [Fact]
    public void BatchOnPlateau_OnAStepsPolicy_MultipliesTheCurveAtEveryPoint()
    {
        // constrain(policy(t) · m): after one plateau m = 2, so 16 → 32 before step 10 and 32 → 64 from it.
        const string Policy = """{"type": "steps", "milestones": [10], "sizes": [16, 32], "on_plateau": {"patience": 0}}""";

        BatchSizes(Policy, TrainingProgress.AtStep(0), 1, 1).Should().Equal(16, 32);
        BatchSizes(Policy, TrainingProgress.AtStep(10), 1, 1).Should().Equal(32, 64);
    }

    [Fact]
    public void BatchOnPlateau_ModeThresholdAndCooldown_FollowThePlateauRules()
    {
        // max, abs, threshold 0.5: better means above best + 0.5. 1 is the best; 1.4 is bad (doubles 8 → 16, cooldown 1);
        // 1.4 again is held by the cooldown; 2 is better than 1.5; 2 again is bad and doubles 16 → 32.
        int[] sizes = BatchSizes(
            """{"type": "fixed", "batch_size": 8, "on_plateau": {"patience": 0, "mode": "max", "threshold_mode": "abs", "threshold": 0.5, "cooldown": 1}}""",
            default,
            1,
            1.4,
            1.4,
            2,
            2);

        sizes.Should().Equal(8, 16, 16, 16, 32);
    }

    [Fact]
    public void BatchOnPlateau_MonitorLoss_GrowsFromTrainingLossWindows()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(
            Constant + """, "batch": {"type": "fixed", "batch_size": 8, "on_plateau": {"patience": 0, "monitor": "loss", "loss_window": 3}}}""");
        var planner = new TrainingPlanner(spec.BuildPlannerOptions());
        planner.Report(1);
        planner.Report(1);

        // Windows of three losses: the first mean is the best, the second equal one is bad and doubles the batch (factor 2).
        var sizes = new List<int>();
        for (int i = 0; i < 6; i++)
        {
            StepPlan plan = planner.Plan();
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Loss = 2 });
            sizes.Add(planner.Plan().Batch.GlobalBatchSize);
        }

        sizes.Should().Equal(8, 8, 8, 8, 8, 16);
    }

    [Theory]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"min_factor": 0.5}}""", "$.batch.on_plateau.min_factor", "'$.batch.on_plateau.min_factor' is not a parameter of the batch section's on_plateau; it takes mode, patience, threshold, threshold_mode, cooldown, factor, monitor, loss_window.*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"eps": 0}}""", "$.batch.on_plateau.eps", "*not a parameter of the batch section's on_plateau*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"factor": 0}}""", "$.batch.on_plateau.factor", "'$.batch.on_plateau.factor' is 0; it must be a finite number greater than zero and not 1.*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"factor": -2}}""", "$.batch.on_plateau.factor", "*greater than zero and not 1*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"mode": "avg"}}""", "$.batch.on_plateau.mode", "*one of \"min\", \"max\"*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"cooldown": -1}}""", "$.batch.on_plateau.cooldown", "*zero or more*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": {"threshold": -1}}""", "$.batch.on_plateau.threshold", "*zero or more*")]
    [InlineData("""{"type": "fixed", "batch_size": 32, "on_plateau": [2]}""", "$.batch.on_plateau", "'$.batch.on_plateau' is an array; it must be an object with the parameters of the batch section's on_plateau.*")]
    [InlineData("""{"type": "goodput", "initial_batch_size": 32, "on_plateau": {"patience": 1}}""", "$.batch.on_plateau", "*adaptive*\"goodput\"*closed-form*")]
    [InlineData("""{"type": "plateau", "initial_batch_size": 32}""", "$.batch.type", "*\"plateau\"*one of fixed, steps, linear_ramp, token_ramp, geometric, cyclic, decay_equivalent, noise_adaptive, goodput*")]
    public void BatchOnPlateau_Invalid_NamesItsPath(string batch, string path, string message) =>
        Check(Constant + ", \"batch\": " + batch + "}", path, message);

    [Theory]
    [MemberData(nameof(SpecsWithEveryNewKey))]
    public void ToJson_NewKeys_RoundTripToEqualSpec(string json)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(json);

        ScheduleSpec again = ScheduleSpec.Parse(spec.ToJson());

        again.Should().Be(spec);
        again.ToJson().Should().Be(spec.ToJson());
        again.GetHashCode().Should().Be(spec.GetHashCode());
        again.Build().HasPlateau.Should().Be(spec.Build().HasPlateau);
        if (spec.HasBatch)
        {
            TrainingPlannerOptions first = spec.BuildPlannerOptions(datasetSize: 1000);
            TrainingPlannerOptions second = again.BuildPlannerOptions(datasetSize: 1000);
            second.Duration.Should().Be(first.Duration);
            second.EvaluationInterval.Should().Be(first.EvaluationInterval);
        }
    }

    [Fact]
    public void ToJson_DurationAndEvaluationInterval_AreWrittenAsUnitStrings()
    {
        // "0.25dur" of 2 epochs is written resolved, 0.5 epochs; a plain number is written with its clock's unit.
        JsonElement epochs = Root(Constant + """, "duration": "2ep", "evaluation_interval": "0.25dur", """ + Batch + "}");
        JsonElement steps = Root(Constant + """, "duration": 1000, "evaluation_interval": 100, """ + Batch + "}");
        JsonElement samples = Root("""{"lr": 0.1, "clock": "samples", "schedule": {"type": "constant"}, "duration": 5000, "evaluation_interval": "0.1dur", """ + Batch + "}");

        epochs.GetProperty("duration").GetString().Should().Be("2ep");
        epochs.GetProperty("evaluation_interval").GetString().Should().Be("0.5ep");
        steps.GetProperty("duration").GetString().Should().Be("1000ba");
        steps.GetProperty("evaluation_interval").GetString().Should().Be("100ba");
        samples.GetProperty("duration").GetString().Should().Be("5000sp");
        samples.GetProperty("evaluation_interval").GetString().Should().Be("500sp");
    }

    [Fact]
    public void ToJson_NoDuration_WritesNullWithABatchSectionAndNothingWithout()
    {
        JsonElement plan = Root(Constant + "," + Batch + "}");
        string schedule = ScheduleSpec.Parse(Constant + "}").ToJson();

        plan.GetProperty("duration").ValueKind.Should().Be(JsonValueKind.Null);
        plan.GetProperty("evaluation_interval").ValueKind.Should().Be(JsonValueKind.Null);
        schedule.Should().NotContain("duration").And.NotContain("evaluation_interval");
    }

    [Fact]
    public void ToJson_OnPlateau_WritesEveryParameterAndItsDefault()
    {
        JsonElement root = Root(Constant + """, "on_plateau": {}, "batch": {"type": "fixed", "batch_size": 10, "on_plateau": {}}}""");

        // PyTorch's defaults for the rate (factor 0.1, min 0, eps 1e-8), a doubling batch, and the reported metric watched.
        Section(root.GetProperty("on_plateau")).Should().Equal(
            ("mode", "min"),
            ("patience", 10.0),
            ("threshold", 1e-4),
            ("threshold_mode", "rel"),
            ("cooldown", 0.0),
            ("factor", 0.1),
            ("min_factor", 0.0),
            ("eps", 1e-8),
            ("monitor", "metric"),
            ("loss_window", 100.0));
        Section(root.GetProperty("batch").GetProperty("on_plateau")).Should().Equal(
            ("mode", "min"),
            ("patience", 10.0),
            ("threshold", 1e-4),
            ("threshold_mode", "rel"),
            ("cooldown", 0.0),
            ("factor", 2.0),
            ("monitor", "metric"),
            ("loss_window", 100.0));
        ScheduleSpec.Parse(Constant + "}").ToJson().Should().NotContain("on_plateau");
    }

    [Fact]
    public void ToJson_PerGroupMinFactor_IsWrittenAsAnArray()
    {
        JsonElement root = Root("""{"lr": [0.1, 0.2], "schedule": {"type": "constant"}, "on_plateau": {"min_factor": [0.5, 0.25]}}""");

        root.GetProperty("on_plateau").GetProperty("min_factor").EnumerateArray().Select(e => e.GetDouble()).Should().Equal(0.5, 0.25);
    }

    [Fact]
    public void Planner_FromSpecWithOnPlateau_PlansTheCosineThenHalfOfItAfterAPlateau()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "schedule": {"type": "cosine", "num_warmup_steps": 0, "num_training_steps": 100}, "on_plateau": {"patience": 0, "factor": 0.5}, "batch": {"type": "fixed", "batch_size": 10}, "duration": "100ba"}""");
        OptimizerSchedule cosine = spec.Build();
        var planner = new TrainingPlanner(spec.BuildPlannerOptions());

        for (int s = 0; s < 100; s++)
        {
            planner.IsComplete.Should().BeFalse("{0} of 100 steps are done", s);
            StepPlan plan = planner.Plan();

            // Hugging Face's cosine with W = 0, T = 100, half a cycle: b · (1 + cos(π s / 100)) / 2. After the plateau
            // reported after step 39 (the best after step 29, then an equal metric with patience 0), m = 0.5.
            double m = s < 40 ? 1.0 : 0.5;
            plan.Progress.Step.Should().Be(s);
            plan.Batch.GlobalBatchSize.Should().Be(10);
            plan.LearningRate.Should().BeApproximately(m * 0.1 * (1 + Math.Cos(Math.PI * s / 100)) / 2, 1e-15, "step {0}", s);
            plan.LearningRate.Should().Be(m * cosine.GetLearningRate(0, plan.Progress), "step {0}: m is a power of two, so the product is exact", s);
            plan.IsLastStep.Should().Be(s == 99, "step {0}", s);
            plan.IsEvaluationPoint.Should().BeFalse("no evaluation_interval is given");
            planner.Complete(new StepOutcome(10));
            if (s is 29 or 39)
            {
                planner.Report(1.0);
            }
        }

        planner.IsComplete.Should().BeTrue();
        planner.Progress.Samples.Should().Be(1000);
        ((Action)(() => planner.Plan())).Should().Throw<InvalidOperationException>().WithMessage("*complete*100ba*");
    }

    [Theory]
    [InlineData("\"100ba\"", null)]
    [InlineData("\"1000sp\"", null)]
    [InlineData("1000", null)]
    [InlineData("\"2ep\"", 500L)]
    public void Planner_FromSpecWithEvaluationFraction_EvaluatesEveryQuarterAndEndsOnTime(string duration, long? datasetSize)
    {
        // 100 steps of 10 samples (1000 samples; 2 epochs of 500), a quarter being 25 steps, 250 samples or 0.5 epochs:
        // the evaluation points are the steps that end at 250, 500, 750 and 1000 samples.
        ScheduleSpec spec = ScheduleSpec.Parse(
            """{"lr": 0.1, "clock": "samples", "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 10}, "duration": """
            + duration + """, "evaluation_interval": "0.25dur"}""");
        var planner = new TrainingPlanner(spec.BuildPlannerOptions(datasetSize));

        var evaluations = new List<long>();
        var last = new List<long>();
        int steps = 0;
        while (!planner.IsComplete && steps < 1000)
        {
            StepPlan plan = planner.Plan();
            if (plan.IsEvaluationPoint)
            {
                evaluations.Add(plan.Progress.Step);
            }

            if (plan.IsLastStep)
            {
                last.Add(plan.Progress.Step);
            }

            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
            steps++;
        }

        steps.Should().Be(100);
        evaluations.Should().Equal(24, 49, 74, 99);
        last.Should().Equal(99);
    }

    private static string WithClock(string? clock, string keys) =>
        "{\"lr\": 0.1, " + (clock is null ? string.Empty : "\"clock\": \"" + clock + "\", ") + "\"schedule\": {\"type\": \"constant\"}, " + keys + "," + Batch + "}";

    private static string Json(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonElement Root(string json)
    {
        using JsonDocument document = JsonDocument.Parse(ScheduleSpec.Parse(json).ToJson());
        return document.RootElement.Clone();
    }

    /// <summary>The parameters of a written section in order, each a string or a number.</summary>
    private static (string Name, object Value)[] Section(JsonElement section) =>
        [.. section.EnumerateObject().Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.String ? (object)p.Value.GetString()! : p.Value.GetDouble()))];

    /// <summary>The learning rate a planner plans for a spec with <c>lr</c> 1 and a constant schedule, so the factor <c>m</c>, after each metric.</summary>
    private static double[] RateFactors(string onPlateau, params double[] metrics) =>
        [.. RateFactorsPerGroup(onPlateau, metrics).Select(f => f[0])];

    private static double[][] RateFactorsPerGroup(string onPlateau, params double[] metrics)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(
            "{\"lr\": [1, 1], \"schedule\": {\"type\": \"constant\"}, \"on_plateau\": " + onPlateau + ", \"batch\": {\"type\": \"fixed\", \"batch_size\": 1}}");
        var planner = new TrainingPlanner(spec.BuildPlannerOptions());
        var factors = new double[metrics.Length][];
        for (int i = 0; i < metrics.Length; i++)
        {
            planner.Report(metrics[i]);
            StepPlan plan = planner.Plan();
            factors[i] = [plan.GetLearningRate(0), plan.GetLearningRate(1)];
        }

        return factors;
    }

    /// <summary>The batch size of a spec's policy at <paramref name="progress"/> after each metric is reported.</summary>
    private static int[] BatchSizes(string batch, TrainingProgress progress, params double[] metrics)
    {
        var policy = (IAdaptiveBatchSizePolicy)ScheduleSpec.Parse(Constant + ", \"batch\": " + batch + "}").BuildPlannerOptions().BatchSize!;
        var sizes = new int[metrics.Length];
        for (int i = 0; i < metrics.Length; i++)
        {
            policy.Report(metrics[i]);
            sizes[i] = policy.GetBatchSize(progress);
        }

        return sizes;
    }

    private static void Check(string json, string path, string message)
    {
        Action act = () => ScheduleSpec.Parse(json);

        ScheduleSpecException e = act.Should().Throw<ScheduleSpecException>().WithMessage(message).Which;
        e.Path.Should().Be(path);
        e.ParamName.Should().Be(path);
    }

    [Theory]
    [InlineData("\"continue\"", EpochBoundary.Continue)]
    [InlineData("\"keep\"", EpochBoundary.Keep)]
    [InlineData("\"drop\"", EpochBoundary.Drop)]
    public void BuildPlannerOptions_EpochBoundary_ReadsEachChoice(string json, EpochBoundary expected)
    {
        ScheduleSpec spec = ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 10}, "epoch_boundary": """ + json + "}");

        spec.BuildPlannerOptions(100).EpochBoundary.Should().Be(expected);
        ScheduleSpec.Parse(spec.ToJson()).Should().Be(spec);
    }

    [Fact]
    public void Parse_BadEpochBoundary_NamesThePath()
    {
        var bad = () => ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 10}, "epoch_boundary": "last"}""");
        var alone = () => ScheduleSpec.Parse("""{"lr": 0.1, "schedule": {"type": "constant"}, "epoch_boundary": "keep"}""");

        bad.Should().Throw<ScheduleSpecException>().Where(e => e.Path == "$.epoch_boundary").WithMessage("*\"continue\", \"keep\", \"drop\"*");
        alone.Should().Throw<ScheduleSpecException>().Where(e => e.Path == "$.epoch_boundary");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void Build_DatasetSizeBelowOne_ThrowsNamingDatasetSize(long size)
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Constant + "," + Batch + "}");

        foreach (Action act in new Action[] { () => spec.Build(size), () => spec.BuildPlannerOptions(size) })
        {
            ArgumentOutOfRangeException e = act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1 or more, or null*").Which;
            e.ParamName.Should().Be("datasetSize");
            e.ActualValue.Should().Be(size);
        }
    }

    [Fact]
    public void Build_DatasetSizeOne_IsAccepted()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Constant + "," + Batch + "}");

        spec.Build(1).GetLearningRate(0, default).Should().Be(0.1);
        spec.BuildPlannerOptions(1).DatasetSize.Should().Be(1);
    }

    [Fact]
    public void BuildPlannerOptions_DatasetSmallerThanReplicas_NamesReplicas()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Constant + """, "batch": {"type": "fixed", "batch_size": 8, "replicas": 4}}""");

        // One sample per replica is the least a dataset can hold: 4 samples for 4 replicas is enough, 3 is not.
        spec.BuildPlannerOptions(4).DatasetSize.Should().Be(4);
        Action act = () => spec.BuildPlannerOptions(3);
        act.Should().Throw<ScheduleSpecException>()
            .Where(e => e.Path == "$.batch.replicas")
            .WithMessage("'$.batch.replicas' is 4; the dataset, 3 samples, must hold at least one sample per replica.*");
    }

    [Fact]
    public void BuildPlannerOptions_DropWithFirstBatchLargerThanDataset_NamesEpochBoundary()
    {
        ScheduleSpec spec = ScheduleSpec.Parse(Constant + "," + Batch + """, "epoch_boundary": "drop"}""");
        ScheduleSpec keep = ScheduleSpec.Parse(Constant + "," + Batch + """, "epoch_boundary": "keep"}""");

        // The first batch is 10: a dataset of 10 holds one whole batch; 9 would pass over every epoch, which only drop refuses.
        spec.BuildPlannerOptions(10).EpochBoundary.Should().Be(EpochBoundary.Drop);
        keep.BuildPlannerOptions(9).EpochBoundary.Should().Be(EpochBoundary.Keep);
        Action act = () => spec.BuildPlannerOptions(9);
        act.Should().Throw<ScheduleSpecException>()
            .Where(e => e.Path == "$.epoch_boundary")
            .WithMessage("'$.epoch_boundary' is \"drop\"; the first batch, 10, is larger than the dataset, 9 samples, so every epoch would be passed over: use \"keep\" or \"continue\", or a smaller batch.*");
    }

    [Fact]
    public void Parse_ScaledPeakOverflows_NamesReferenceBatchSize()
    {
        // Linear scaling at the largest batch, 64, with reference 1 multiplies the rate by 64: 1e306 * 64 = 6.4e307 is
        // finite, 1e308 * 64 is past double.MaxValue (about 1.8e308).
        const string Tail = """, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 64, "max_batch_size": 64}, "scaling": {"type": "linear", "reference_batch_size": 1}}""";
        ScheduleSpec.Parse("{\"lr\": 1e306" + Tail).HasBatch.Should().BeTrue();

        Action act = () => ScheduleSpec.Parse("{\"lr\": 1e308" + Tail);

        act.Should().Throw<ScheduleSpecException>()
            .Where(e => e.Path == "$.scaling.reference_batch_size")
            .WithMessage("'$.scaling.reference_batch_size' is 1; the scaling factor at the largest batch, 64, is then 64, and the largest learning rate, *, times it overflows to infinity: lower lr or max_batch_size, or raise reference_batch_size.*");
    }
}
