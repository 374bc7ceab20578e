using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public class MemoryFitTests
{
    [Theory]
    [InlineData(0, 100.0)]
    [InlineData(3, 121.0)]
    [InlineData(64, 548.0)]
    public void PredictBytes_IsFixedPlusPerSampleTimesSize(int size, double expected)
    {
        var fit = new MemoryFit(100, 7, 0, null, 2);

        fit.PredictBytes(size).Should().Be(expected);
    }
}
