using System;
using System.Globalization;
using System.Linq;
using BatchLr.Cli.Tests.TestSupport;

namespace BatchLr.Cli.Tests.Commands;

/// <summary>Tests of <c>batchlr schedule --at</c>; the rows of <c>batchlr schedule</c> are tested in <see cref="CommandLineTests"/>.</summary>
public sealed class ScheduleCommandTests : CliTestBase
{
    [Fact]
    public void At_WarmRestarts_EvaluatesFractionalStepsFromTheFormula()
    {
        // PyTorch's CosineAnnealingWarmRestarts(T_0=10, eta_min=0.01) stepped with fractional epochs, as its docs show:
        // lr = eta_min + (b - eta_min)(1 + cos(π · T_cur / T_0)) / 2, T_cur = t mod 10.
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "CosineAnnealingWarmRestarts", "T_0": 10, "eta_min": 0.01}}""");

        (int code, string[] lines, string error) = Run("schedule", "--spec", spec, "--at", "0,0.5,12.25");

        code.Should().Be(0);
        error.Should().BeEmpty();
        lines[0].Should().Be("position,lr");
        lines.Skip(1).Select(l => l.Split(',')[0]).Should().Equal("0", "0.5", "12.25");
        double[] expected = [0.1, Sgdr(0.5), Sgdr(2.25)];
        for (int i = 0; i < expected.Length; i++)
        {
            double.Parse(lines[i + 1].Split(',')[1], CultureInfo.InvariantCulture).Should().BeApproximately(expected[i], 1e-15);
        }

        static double Sgdr(double tcur) => 0.01 + ((0.1 - 0.01) * (1 + Math.Cos(Math.PI * tcur / 10)) / 2);
    }

    [Fact]
    public void At_WholePositions_AreTheRowsOfTheSteps_WithMomentumAndGroups()
    {
        string spec = Write("spec.json", """{"lr": [0.1, 0.01], "schedule": {"type": "OneCycleLR", "max_lr": [0.1, 0.01], "total_steps": 20}}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--at", "0,3,7,19");
        (_, string[] steps, _) = Run("schedule", "--spec", spec, "--steps", "20");

        code.Should().Be(0);
        lines[0].Should().Be("position,lr_0,lr_1,momentum_0,momentum_1");
        lines.Skip(1).Should().Equal(steps[1], steps[4], steps[8], steps[20]);
    }

    [Fact]
    public void At_EpochsClock_ReadsFractionalEpochs()
    {
        // StepLR on epochs: 0.1 · 0.1^floor(t / 2).
        string spec = Write("spec.json", """{"lr": 0.1, "clock": "epochs", "schedule": {"type": "StepLR", "step_size": 2}}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--at", "1.5, 2", "--format", "md");

        code.Should().Be(0);
        lines.Should().HaveCount(4);
        lines[0].Should().Be("| position | lr |");
        lines[2].Should().Be("| 1.5 | 0.1 |");
        double.Parse(lines[3].Split('|')[2], CultureInfo.InvariantCulture).Should().BeApproximately(0.01, 1e-17);
    }

    [Fact]
    public void At_ReduceOnPlateau_IsTheScheduleWithoutReductions()
    {
        string reactive = Write("reactive.json", """{"lr": 0.1, "schedule": {"type": "ReduceLROnPlateau", "patience": 0}}""");
        string plateau = Write("plateau.json", """{"lr": 0.1, "schedule": {"type": "ExponentialLR", "gamma": 0.5}, "on_plateau": {"patience": 0}}""");

        (int reactiveCode, string[] reactiveLines, _) = Run("schedule", "--spec", reactive, "--at", "0,1000.5");
        (int plateauCode, string[] plateauLines, _) = Run("schedule", "--spec", plateau, "--at", "2.5");

        reactiveCode.Should().Be(0);
        reactiveLines.Skip(1).Should().Equal("0,0.1", "1000.5,0.1");
        plateauCode.Should().Be(0);
        double.Parse(plateauLines[1].Split(',')[1], CultureInfo.InvariantCulture).Should().BeApproximately(0.1 * Math.Pow(0.5, 2.5), 1e-16);
    }

    [Fact]
    public void At_PositionInEpochs_NeedsTheDatasetSize()
    {
        // One epoch of 100 samples in batches of 10 is 10 steps: T_max = 10, so lr(5) = 0.5 · (1 + cos(π / 2)) = 0.5.
        string spec = Write("spec.json", """{"lr": 1, "schedule": {"type": "CosineAnnealingLR", "T_max": "1ep"}, "batch": {"type": "fixed", "batch_size": 10}}""");

        (int code, string[] lines, _) = Run("schedule", "--spec", spec, "--at", "5,10", "--dataset-size", "100");
        (int plainCode, _, string plainError) = Run("schedule", "--spec", spec, "--at", "5");

        code.Should().Be(0);
        double.Parse(lines[1].Split(',')[1], CultureInfo.InvariantCulture).Should().BeApproximately(0.5, 1e-15);
        lines[2].Should().Be("10,0");
        plainCode.Should().Be(2);
        plainError.Should().StartWith("batchlr: invalid spec at $.schedule.T_max: ");
    }

    [Theory]
    [InlineData("1,-2")]
    [InlineData("1,,2")]
    [InlineData("NaN")]
    [InlineData("x")]
    public void At_BadPosition_ExitsTwoNamingIt(string positions)
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}}""");

        (int code, string[] lines, string error) = Run("schedule", "--spec", spec, "--at", positions);

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().StartWith("batchlr: '--at' is '" + positions + "'; each position must be a finite number 0 or more");
    }

    [Theory]
    [InlineData("--steps", "3")]
    [InlineData("--metrics", "metrics.txt")]
    [InlineData("--tokens-per-sample", "4")]
    public void At_WithAnOptionThatRunsTheSchedule_ExitsTwo(string option, string value)
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 8}}""");

        (int code, string[] lines, string error) = Run("schedule", "--spec", spec, "--at", "1", option, value);

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().StartWith("batchlr: '" + option + "' cannot be given with '--at'");
    }
}
