using System;
using System.Globalization;
using System.Linq;
using BatchLr.Cli.Tests.TestSupport;

namespace BatchLr.Cli.Tests;

public sealed class CommandLineTests : CliTestBase
{
    [Fact]
    public void Run_StepLR_PrintsOneRowPerStepFromTheFormula()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "gamma": 0.5}}""");

        (int code, string[] lines, string error) = Run("schedule", "--spec", spec, "--steps", "7");

        code.Should().Be(0);
        error.Should().BeEmpty();
        lines[0].Should().Be("step,lr");
        lines.Should().HaveCount(8);
        for (int s = 0; s < 7; s++)
        {
            // PyTorch StepLR: lr = 0.1 · 0.5^floor(s / 3).
            string[] cells = lines[s + 1].Split(',');
            cells[0].Should().Be(s.ToString(CultureInfo.InvariantCulture));
            double.Parse(cells[1], CultureInfo.InvariantCulture).Should().BeApproximately(0.1 * Math.Pow(0.5, s / 3), 1e-15);
        }
    }

    [Fact]
    public void Run_OneCycleLR_AddsMomentumColumn()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 10}}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--steps", "3");

        code.Should().Be(0);
        lines[0].Should().Be("step,lr,momentum");

        // Row 0: initial = max_lr / div_factor = 0.004, momentum = max_momentum = 0.95.
        string[] first = lines[1].Split(',');
        double.Parse(first[1], CultureInfo.InvariantCulture).Should().BeApproximately(0.1 / 25, 1e-15);
        double.Parse(first[2], CultureInfo.InvariantCulture).Should().BeApproximately(0.95, 1e-15);
    }

    [Fact]
    public void Run_TwoGroups_NamesColumnsPerGroup()
    {
        string spec = Write("spec.json", """{"lr": [0.1, 0.01], "schedule": {"type": "ExponentialLR", "gamma": 0.5}}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--steps", "2");

        code.Should().Be(0);
        lines[0].Should().Be("step,lr_0,lr_1");
        lines[2].Should().Be("1," + (0.1 * 0.5).ToString("R", CultureInfo.InvariantCulture) + "," + (0.01 * 0.5).ToString("R", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Run_ReduceLROnPlateauWithMetrics_ChangesFromTheNextRow()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "ReduceLROnPlateau", "patience": 0, "factor": 0.5}}""");
        string metrics = Write("metrics.txt", "1\n2\n3\n");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--steps", "5", "--metrics", metrics);

        // Metric 1 (after step 0) sets best; 2 and 3 do not improve and, with patience 0, each halves the rate.
        // A report after step s shows from row s + 1; with no metrics left the rate stays.
        code.Should().Be(0);
        lines.Skip(1).Should().Equal("0,0.1", "1,0.1", "2,0.05", "3,0.025", "4,0.025");
    }

    [Fact]
    public void Run_MarkdownFormat_PrintsTableHeader()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--steps", "1", "--format", "md");

        code.Should().Be(0);
        lines.Should().Equal("| step | lr |", "| ---: | ---: |", "| 0 | 0.1 |");
    }

    [Fact]
    public void Run_BadSpec_ExitsTwoNamingJsonPath()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [2], "schedulers": [{"type": "constant"}, {"type": "StepLR", "step_size": 0}]}}""");

        (int code, string[] lines, string error) = Run("schedule", "--spec", spec, "--steps", "3");

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().Contain("$.schedule.schedulers[1].step_size");
    }

    [Fact]
    public void Run_NonNumberMetric_ExitsTwoNamingLine()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "ReduceLROnPlateau"}}""");
        string metrics = Write("metrics.txt", "1\nabc\n");

        (int code, _, string error) = Run("schedule", "--spec", spec, "--steps", "3", "--metrics", metrics);

        code.Should().Be(2);
        error.Should().Contain("line 2");
    }

    [Theory]
    [InlineData]
    [InlineData("plot")]
    [InlineData("schedule", "--steps", "3")]
    [InlineData("schedule", "--spec", "missing.json", "--steps", "3")]
    [InlineData("schedule", "--spec", "missing.json", "--steps", "-1")]
    [InlineData("schedule", "--spec", "missing.json", "--steps", "3", "--format", "html")]
    [InlineData("schedule", "--spec", "missing.json", "--steps", "3", "--bogus", "1")]
    [InlineData("schedule", "--spec")]
    public void Run_BadArguments_ExitsTwoWithMessageOnStderr(params string[] args)
    {
        (int code, string[] lines, string error) = Run(args);

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().StartWith("batchlr: ");
    }

    [Fact]
    public void Run_LinearRampBatch_PrintsMegatronSizesAndSamplesBeforeEachStep()
    {
        // --rampup-batch-size 4 4 100 with global batch 16: n = (16 - 4) / 4 = 3 increments, one every 100 / 3 samples.
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "linear_ramp", "start": 4, "increment": 4, "ramp_samples": 100, "target": 16}}""");

        (int code, string[] lines, string error) = Run("schedule", "--spec", spec, "--steps", "16");

        code.Should().Be(0);
        error.Should().BeEmpty();
        lines[0].Should().Be("step,lr,batch,micro_batch,accumulation,samples");
        long samples = 0;
        for (int s = 0; s < 16; s++)
        {
            // B = start + floor(samples / (ramp_samples / n)) · increment while samples ≤ ramp_samples, then the target;
            // each step consumes its whole batch, and the row shows the samples consumed before it.
            int batch = samples > 100 ? 16 : 4 + ((int)Math.Floor(samples / (100.0 / 3)) * 4);
            lines[s + 1].Should().Be(string.Create(CultureInfo.InvariantCulture, $"{s},0.1,{batch},{batch},1,{samples}"));
            samples += batch;
        }

        // Nine steps of 4 reach 36 samples, past 100 / 3, so row 9 is the first of 8; 68 samples (row 13) passes 200 / 3,
        // and 104 samples (row 16) passes the ramp.
        lines[10].Should().Be("9,0.1,8,8,1,36");
        lines[14].Should().Be("13,0.1,12,12,1,68");
    }

    [Fact]
    public void Run_MaxMicroBatchSize_SplitsTheBatchIntoAccumulationSteps()
    {
        // 64 over 2 replicas is 32 each; ceil(32 / 12) = 3 micro-batches of ceil(32 / 3) = 11 (the last holds 10).
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 64, "replicas": 2}, "max_micro_batch_size": 12}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--steps", "2", "--format", "md");

        code.Should().Be(0);
        lines.Should().Equal(
            "| step | lr | batch | micro_batch | accumulation | samples |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
            "| 0 | 0.1 | 64 | 11 | 3 | 0 |",
            "| 1 | 0.1 | 64 | 11 | 3 | 64 |");
    }

    [Fact]
    public void Run_GeometricBatchOnEpochs_GrowsWhenDatasetSizeEndsAnEpoch()
    {
        // 8 · 2^floor(epoch), at most 64, with epoch = samples / 40.
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "geometric", "initial": 8, "factor": 2, "interval": 1, "maximum": 64}}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--steps", "11", "--dataset-size", "40");
        (int plainCode, _, string plainError) = Run("schedule", "--spec", spec, "--steps", "11");

        // Rows 0-4 take 8 each: 40 samples end epoch 1 at row 5 (16). 40 + 3 · 16 = 88 samples, epoch 2.2, at row 8 (32);
        // 120 samples, epoch 3, at row 9 (64); then the maximum.
        code.Should().Be(0);
        lines.Skip(1).Select(l => l.Split(',')[2]).Should().Equal("8", "8", "8", "8", "8", "16", "16", "16", "32", "64", "64");
        lines.Skip(1).Select(l => l.Split(',')[5]).Should().Equal("0", "8", "16", "24", "32", "40", "56", "72", "88", "120", "184");

        // Without the dataset size the epoch clock cannot move: refused, where it used to stay at 0 without a word.
        plainCode.Should().Be(2);
        plainError.Should().Contain("DatasetSize").And.Contain("epoch clock");
    }

    [Fact]
    public void Run_TokenRampWithTokensPerSample_GrowsWithTokensConsumed()
    {
        // B = 16 + (64 - 16) · min(tokens, 4096) / 4096, rounded to a multiple of 16; every sample is 32 tokens.
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "token_ramp", "start": 16, "target": 64, "ramp_tokens": 4096, "multiple": 16}}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--steps", "6", "--tokens-per-sample", "32");

        // Tokens before each row (each row adds its batch · 32): 0, 512, 1024, 2048, 3072, 4608.
        // Wanted sizes: 16, 22, 28, 40, 52, 64 → nearest multiples of 16 (ties down): 16, 16, 32, 32, 48, 64.
        code.Should().Be(0);
        lines.Skip(1).Select(l => l.Split(',')[2]).Should().Equal("16", "16", "32", "32", "48", "64");
    }

    [Fact]
    public void Run_TokensOverflowing_ExitsTwoWithoutCrashing()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 8}}""");

        (int code, _, string error) = Run("schedule", "--spec", spec, "--steps", "3", "--tokens-per-sample", "9223372036854775807");

        code.Should().Be(2);
        error.Should().Contain("batchlr: the plan cannot continue");
    }

    [Fact]
    public void Run_HelpAsAnOptionValue_IsNotHelp()
    {
        (int code, _, string error) = Run("schedule", "--spec", "help", "--steps", "3");

        code.Should().Be(2);
        error.Should().Contain("help");
    }

    [Fact]
    public void Run_TokensPerSampleWithoutBatch_ExitsTwo()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}}""");

        (int code, _, string error) = Run("schedule", "--spec", spec, "--steps", "3", "--tokens-per-sample", "512");

        code.Should().Be(2);
        error.Should().Contain("'--tokens-per-sample'").And.Contain("no \"batch\" section");
    }

    [Fact]
    public void Run_BatchOnPlateauWithMetrics_GrowsFromTheNextRow()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 16, "on_plateau": {"patience": 0}}}""");
        string metrics = Write("metrics.txt", "1\n2\n");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--steps", "4", "--metrics", metrics);

        // Metric 1 (after step 0) sets the best; 2 (after step 1) does not improve and, with patience 0, doubles the
        // batch from row 2 on.
        code.Should().Be(0);
        lines.Skip(1).Should().Equal("0,0.1,16,16,1,0", "1,0.1,16,16,1,16", "2,0.1,32,32,1,32", "3,0.1,32,32,1,64");
    }

    [Fact]
    public void Run_DecayEquivalentWithLinearScaling_KeepsLrOverBatchOnTheSchedule()
    {
        // StepLR η(s) = 0.1 · 0.5^floor(s / 3). The batch grows instead: B = min(32, 8 · 2^floor(s / 3)), and linear scaling
        // at the same reference gives lr = η(s) · B / 8, so lr / B = η(s) / 8 at every row: lr stays 0.1 while the batch
        // can grow, and decays once the batch is at its maximum (row 9 on).
        string spec = Write(
            "spec.json",
            """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "gamma": 0.5}, "batch": {"type": "decay_equivalent", "reference_batch_size": 8, "maximum_batch_size": 32}, "scaling": {"type": "linear", "reference_batch_size": 8}}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--steps", "15");

        code.Should().Be(0);
        for (int s = 0; s < 15; s++)
        {
            string[] cells = lines[s + 1].Split(',');
            double lr = double.Parse(cells[1], CultureInfo.InvariantCulture);
            int batch = int.Parse(cells[2], CultureInfo.InvariantCulture);
            double eta = 0.1 * Math.Pow(0.5, s / 3);
            batch.Should().Be(Math.Min(32, 8 << (s / 3)), "row {0}", s);
            (lr / batch).Should().BeApproximately(eta / 8, 1e-15, "row {0}", s);
            lr.Should().BeApproximately(s < 9 ? 0.1 : 0.1 * Math.Pow(0.5, (s / 3) - 2), 1e-15, "row {0}", s);
        }
    }

    [Fact]
    public void Run_BadBatch_ExitsTwoNamingJsonPath()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "linear_ramp", "start": 4, "increment": 5, "ramp_samples": 100, "target": 16}}""");

        (int code, string[] lines, string error) = Run("schedule", "--spec", spec, "--steps", "3");

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().StartWith("batchlr: invalid spec at $.batch.increment: '$.batch.increment' is 5; it must be a divisor of target - start, 12.");
    }

    [Fact]
    public void Run_BadScaling_ExitsTwoNamingJsonPath()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 8}, "scaling": {"type": "linear"}}""");

        (int code, _, string error) = Run("schedule", "--spec", spec, "--steps", "3");

        code.Should().Be(2);
        error.Should().Contain("$.scaling.reference_batch_size");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("many")]
    public void Run_DatasetSizeNotPositive_ExitsTwo(string size)
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 8}}""");

        (int code, string[] lines, string error) = Run("schedule", "--spec", spec, "--steps", "3", "--dataset-size", size);

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().Contain("'--dataset-size' is '" + size + "'; it must be a whole number 1 or more.");
    }

    [Fact]
    public void Run_DatasetSizeWithoutBatch_ExitsTwo()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}}""");

        (int code, string[] lines, string error) = Run("schedule", "--spec", spec, "--steps", "3", "--dataset-size", "100");

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().Contain("no \"batch\" section");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Run_Help_PrintsUsageToStdout(string help)
    {
        (int code, string[] lines, string error) = Run(help);

        // System.CommandLine's layout: "Usage:" over the command as the tool is installed, then the options and the commands.
        code.Should().Be(0);
        error.Should().BeEmpty();
        lines.Should().ContainInOrder("Usage:", "  batchlr [command] [options]");
        lines.Select(l => l.Trim().Split(' ')[0]).Should().Contain(["schedule", "validate", "plot"]);
    }

    [Fact]
    public void Run_HelpOfACommand_ListsItsOptions()
    {
        (int code, string[] lines, _) = Run("help", "schedule");
        (int flagCode, string[] flagLines, _) = Run("schedule", "--help");

        code.Should().Be(0);
        lines.Should().Contain("  batchlr schedule [options]");
        lines.Select(l => l.Trim().Split(' ')[0]).Should().Contain(["--spec", "--steps", "--metrics", "--dataset-size", "--tokens-per-sample", "--format", "--at"]);
        flagCode.Should().Be(0);
        flagLines.Should().Equal(lines);
    }

    [Fact]
    public void Run_SuggestDirective_CompletesOptionValues()
    {
        // What dotnet-suggest asks the tool for when the shell completes "batchlr schedule --format <TAB>".
        const string Line = "batchlr schedule --format ";

        (int code, string[] lines, string error) = Run("[suggest:" + Line.Length.ToString(CultureInfo.InvariantCulture) + "]", Line);

        code.Should().Be(0);
        error.Should().BeEmpty();
        lines.Should().Equal("csv", "md");
    }

    [Fact]
    public void Run_SpecNamedWithAnAt_IsAFileNotAResponseFile()
    {
        // A relative name, so the argument itself starts with @, which System.CommandLine would read as a response file.
        string name = "@batchlr-" + Guid.NewGuid().ToString("N") + ".json";
        System.IO.File.WriteAllText(name, """{"lr": 0.1, "schedule": {"type": "constant"}}""");
        try
        {
            (int code, string[] lines, string error) = Run("schedule", "--spec", name, "--steps", "1");

            code.Should().Be(0);
            error.Should().BeEmpty();
            lines.Should().Equal("step,lr", "0,0.1");
        }
        finally
        {
            System.IO.File.Delete(name);
        }
    }

    [Fact]
    public void Run_BadUsage_PointsAtTheHelpOfTheCommand()
    {
        (int code, string[] lines, string error) = Run("schedule", "--spec", "missing.json", "--steps", "3", "--bogus", "1");

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().Contain("batchlr: ").And.Contain("'--bogus'").And.EndWith("Run 'batchlr schedule --help' for usage." + Environment.NewLine);
    }

    [Fact]
    public void Run_PlanWithADuration_PrintsToTheStepThatEndsTraining_CuttingTheLastBatch()
    {
        // Two epochs of 100 samples in batches of 32: 6 steps of 32 = 192, then a last step of the 8 that remain.
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}, "duration": "2ep"}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--dataset-size", "100");
        (int cappedCode, string[] capped, _) = Run("schedule", "--spec", spec, "--dataset-size", "100", "--steps", "3");

        code.Should().Be(0);
        lines.Skip(1).Select(l => l.Split(',')[2]).Should().Equal("32", "32", "32", "32", "32", "32", "8");
        lines.Skip(1).Select(l => l.Split(',')[5]).Should().Equal("0", "32", "64", "96", "128", "160", "192");
        cappedCode.Should().Be(0);
        capped.Should().HaveCount(4, "--steps still limits the rows");
    }

    [Fact]
    public void Run_NoStepsAndNoDuration_ExitsTwoSayingWhatIsMissing()
    {
        string plan = Write("plan.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 32}}""");
        string schedule = Write("schedule.json", """{"lr": 0.1, "schedule": {"type": "constant"}}""");

        (int planCode, _, string planError) = Run("schedule", "--spec", plan);
        (int scheduleCode, _, string scheduleError) = Run("schedule", "--spec", schedule);

        planCode.Should().Be(2);
        planError.Should().Contain("--steps").And.Contain("duration");
        scheduleCode.Should().Be(2);
        scheduleError.Should().Contain("missing option '--steps N'");
    }
}
