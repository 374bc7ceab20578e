using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace BatchLr.Cli.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("batchlr-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

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
    public void Run_Help_PrintsUsageToStdout()
    {
        (int code, string[] lines, string error) = Run("--help");

        code.Should().Be(0);
        error.Should().BeEmpty();
        lines[0].Should().StartWith("usage: batchlr schedule");
    }

    private (int Code, string[] Lines, string Error) Run(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        string[] resolved = args.Select(a => a == "missing.json" ? Path.Combine(_folder, a) : a).ToArray();
        int code = CommandLine.Run(resolved, output, error);
        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        return (code, lines, error.ToString());
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
