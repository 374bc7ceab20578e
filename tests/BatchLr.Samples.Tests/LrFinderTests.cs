using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace BatchLr.Samples.Tests;

public class LrFinderTests
{
    [Fact]
    public void Digits_PrintsTheSuggestionsAndWritesTheCurve()
    {
        string png = Path.Combine(SampleProcess.TemporaryFolder(), "curve.png");

        SampleProcess.Result run = SampleProcess.Run("LrFinder", "--out", png);

        run.ExitCode.Should().Be(0, run.Error);
        SampleProcess.IsPng(png).Should().BeTrue();
        Match valley = Regex.Match(run.Output, @"valley \(fastai\)\s+([0-9.Ee+-]+)");
        valley.Success.Should().BeTrue(run.Output);

        // The sweep's default range is 1e-7 to 10 (LearningRateFinderOptions); a suggestion lies inside it.
        double.Parse(valley.Groups[1].Value, CultureInfo.InvariantCulture).Should().BeInRange(1e-7, 10);
    }
}
