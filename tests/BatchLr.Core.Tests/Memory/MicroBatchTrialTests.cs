using System;
using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public class MicroBatchTrialTests
{
    [Fact]
    public void Fits_KeepsWhatWasMeasured()
    {
        MicroBatchTrial trial = MicroBatchTrial.Fits(peakBytes: 1_000, seconds: 0.25);

        trial.IsOutOfMemory.Should().BeFalse();
        trial.PeakBytes.Should().Be(1_000);
        trial.Seconds.Should().Be(0.25);
        trial.ToString().Should().Be("fits (peak 1000 bytes, 0.25 s/step)");
        MicroBatchTrial.OutOfMemory.IsOutOfMemory.Should().BeTrue();
        MicroBatchTrial.OutOfMemory.ToString().Should().Be("out of memory");
    }

    [Theory]
    [InlineData(-1L, null, "peakBytes")]
    [InlineData(null, 0.0, "seconds")]
    [InlineData(null, double.NaN, "seconds")]
    [InlineData(null, double.PositiveInfinity, "seconds")]
    public void Fits_BadMeasurement_ThrowsNamingIt(long? peak, double? seconds, string parameter)
    {
        var act = () => MicroBatchTrial.Fits(peak, seconds);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter);
    }

    [Fact]
    public void Arguments_BadSize_ThrowsNamingIt()
    {
        var act = () => new MicroBatchTrialArguments(0, 3, measureTime: false);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("microBatchSize");
    }

    [Fact]
    public void Arguments_BadSteps_ThrowsNamingIt()
    {
        var act = () => new MicroBatchTrialArguments(8, 0, measureTime: false);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("steps").WithMessage("'steps' is 0; it must be greater than zero.*");
    }

    [Fact]
    public void Fits_Unmeasured_SaysSo()
    {
        MicroBatchTrial.Fits().ToString().Should().Be("fits (peak unknown, untimed)");
    }

    [Fact]
    public void Equals_EveryFieldCounts()
    {
        MicroBatchTrial trial = MicroBatchTrial.Fits(1_000, 0.25);

        (trial == MicroBatchTrial.Fits(1_000, 0.25)).Should().BeTrue();
        (trial != MicroBatchTrial.Fits(1_000, 0.25)).Should().BeFalse();
        (trial != MicroBatchTrial.Fits(1_001, 0.25)).Should().BeTrue("the peaks differ");
        (trial != MicroBatchTrial.Fits(1_000, 0.5)).Should().BeTrue("the seconds differ");
        (MicroBatchTrial.Fits() != MicroBatchTrial.OutOfMemory).Should().BeTrue("one ran out of memory");
        trial.Equals((object)MicroBatchTrial.Fits(1_000, 0.25)).Should().BeTrue();
        trial.GetHashCode().Should().Be(MicroBatchTrial.Fits(1_000, 0.25).GetHashCode());
    }

    [Fact]
    public void Record_ToString_TellsWhetherItFit()
    {
        new MicroBatchTrialRecord(8, MicroBatchTrial.Fits(100, 0.5), fits: true).ToString().Should().Be("8: fits (peak 100 bytes, 0.5 s/step)");
        new MicroBatchTrialRecord(12, MicroBatchTrial.Fits(950), fits: false).ToString().Should().Be("12: fits (peak 950 bytes, untimed), over the limit");
        new MicroBatchTrialRecord(16, MicroBatchTrial.OutOfMemory, fits: false).ToString().Should().Be("16: out of memory");
    }

    [Fact]
    public void Record_SamplesPerSecond_IsSizeOverSeconds()
    {
        new MicroBatchTrialRecord(8, MicroBatchTrial.Fits(100, 0.5), fits: true).SamplesPerSecond.Should().Be(16);
        new MicroBatchTrialRecord(8, MicroBatchTrial.Fits(100), fits: true).SamplesPerSecond.Should().BeNull();
        new MicroBatchTrialRecord(16, MicroBatchTrial.OutOfMemory, fits: false).SamplesPerSecond.Should().BeNull();
    }
}
