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
}
