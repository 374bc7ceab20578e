using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace BatchLr.Samples.Tests;

public class QuickStartTests
{
    [Fact]
    public void Default_TrainsTheEmbeddedDigitsToHighTestAccuracy()
    {
        SampleProcess.Result run = SampleProcess.Run("QuickStart");

        run.ExitCode.Should().Be(0, run.Error);
        Match final = Regex.Match(run.Output, @"test accuracy (\d\.\d{4}) after (\d+) steps");
        final.Success.Should().BeTrue(run.Output);
        double.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture).Should().BeGreaterThan(0.97, "a small CNN on the UCI digits passes 0.97 well within 15 epochs");

        // schedule.json: 15 epochs, evaluated after each: one row per epoch, the epoch column 1.00 … 15.00.
        string[] rows = run.Output.Split('\n').Where(l => Regex.IsMatch(l, @"^\s*\d+\.00\s+\d+\s")).ToArray();
        rows.Select(r => double.Parse(r.Trim().Split(' ')[0], CultureInfo.InvariantCulture)).Should().Equal(Enumerable.Range(1, 15).Select(e => (double)e));
    }

    [Fact]
    public void FashionMnistMissing_SaysHowToInstallItAndExitsNonZero()
    {
        string empty = SampleProcess.TemporaryFolder();

        SampleProcess.Result run = SampleProcess.Run("QuickStart", "--dataset", "fashion-mnist", "--data-dir", empty);

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain("apt-get install dataset-fashion-mnist").And.Contain(empty);
    }

    [Theory]
    [InlineData("--dataset", "mnist")]
    [InlineData("--epochs", "3")]
    [InlineData("--seed", "seven")]
    public void BadOption_IsNamedAndExitsNonZero(string option, string value)
    {
        SampleProcess.Result run = SampleProcess.Run("QuickStart", option, value);

        run.ExitCode.Should().Be(1);
        run.Error.Should().StartWith("quickstart: ").And.Contain(option);
    }
}
