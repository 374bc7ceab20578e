using System;
using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public class DeviceMemoryInfoTests
{
    [Fact]
    public void UsedBytes_IsTotalLessFree()
    {
        var info = new DeviceMemoryInfo(80_000, 30_000);

        info.UsedBytes.Should().Be(50_000);
        info.ToString().Should().Be("30000 of 80000 bytes free");
        info.Should().Be(new DeviceMemoryInfo(80_000, 30_000));
        (info != new DeviceMemoryInfo(80_000, 30_001)).Should().BeTrue();
    }

    [Theory]
    [InlineData(-1, 0, "totalBytes", "*'totalBytes' is -1; it must be zero or more*")]
    [InlineData(10, -1, "freeBytes", "*'freeBytes' is -1; it must be from 0 to totalBytes, 10*")]
    [InlineData(10, 11, "freeBytes", "*'freeBytes' is 11; it must be from 0 to totalBytes, 10*")]
    public void Constructor_BadBytes_ThrowsNamingTheRule(long total, long free, string parameter, string message)
    {
        var act = () => new DeviceMemoryInfo(total, free);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter).WithMessage(message);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 0)]
    [InlineData(10, 10)]
    public void Constructor_FreeFromZeroToTotal_IsAccepted(long total, long free)
    {
        var info = new DeviceMemoryInfo(total, free);

        (info.TotalBytes, info.FreeBytes, info.UsedBytes).Should().Be((total, free, total - free));
    }
}
