using System;
using BatchLr.Cli.Tests.TestSupport;

namespace BatchLr.Cli.Tests.Commands;

/// <summary>Tests of <c>batchlr validate</c>.</summary>
public sealed class ValidateCommandTests : CliTestBase
{
    [Fact]
    public void Validate_ValidSpec_SaysSoAndExitsZero()
    {
        string spec = Write("spec.json", """{"lr": [0.1, 0.01], "schedule": {"type": "cosine", "num_training_steps": 100}, "batch": {"type": "fixed", "batch_size": 8}}""");

        (int code, string[] lines, string error) = Run("validate", "--spec", spec);

        code.Should().Be(0);
        error.Should().BeEmpty();
        lines.Should().Equal(spec + ": valid");
    }

    [Theory]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "SequentialLR", "milestones": [2], "schedulers": [{"type": "constant"}, {"type": "StepLR", "step_size": 0}]}}""", "$.schedule.schedulers[1].step_size")]
    [InlineData("""{"lr": [0.1, -1], "schedule": {"type": "constant"}}""", "$.lr[1]")]
    [InlineData("""{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 3, "gama": 0.5}}""", "$.schedule.gama")]
    [InlineData("""{"lr": 0.1, "schedule": """, "$")]
    public void Validate_InvalidSpec_ExitsTwoWithTheErrorAndItsPath(string json, string path)
    {
        string spec = Write("spec.json", json);

        (int code, string[] lines, string error) = Run("validate", "--spec", spec);

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().StartWith("batchlr: invalid spec at " + path + ": ");
        error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle();
    }

    [Fact]
    public void Validate_PositionInEpochs_IsCheckedWithTheDatasetSize()
    {
        // "2ep" of 100 samples in batches of 10 is 20 steps; Parse alone cannot convert it, a build can.
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": "2ep"}, "batch": {"type": "fixed", "batch_size": 10}}""");

        (int code, _, string error) = Run("validate", "--spec", spec);
        (int sizedCode, string[] sized, _) = Run("validate", "--spec", spec, "--dataset-size", "100");

        code.Should().Be(2);
        error.Should().StartWith("batchlr: invalid spec at $.schedule.step_size: ").And.Contain("dataset size");
        sizedCode.Should().Be(0);
        sized.Should().Equal(spec + ": valid");
    }

    [Fact]
    public void Validate_EpochClockPlanWithoutDatasetSize_ExitsTwo()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "geometric", "initial": 8, "factor": 2, "interval": 1, "maximum": 64}}""");

        (int code, _, string error) = Run("validate", "--spec", spec);
        (int sizedCode, _, _) = Run("validate", "--spec", spec, "--dataset-size", "40");

        code.Should().Be(2);
        error.Should().StartWith("batchlr: the spec's plan cannot start: ").And.Contain("DatasetSize");
        sizedCode.Should().Be(0);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("validate", "--spec", "missing.json")]
    [InlineData("validate", "--spec", "missing.json", "--dataset-size", "0")]
    public void Validate_BadArguments_ExitsTwo(params string[] args)
    {
        (int code, string[] lines, string error) = Run(args);

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().StartWith("batchlr: ").And.Contain("Run 'batchlr validate --help' for usage.");
    }
}
