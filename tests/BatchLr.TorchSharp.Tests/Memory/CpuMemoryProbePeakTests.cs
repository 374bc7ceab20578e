using BatchLr.Memory;
using System;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp.Tests.Memory;

/// <summary>The peak of this very process: alone, so no other test's tensors move the peak between a reset and a read.</summary>
[Collection(nameof(CpuMemoryProbePeakTests))]
[CollectionDefinition(nameof(CpuMemoryProbePeakTests), DisableParallelization = true)]
public class CpuMemoryProbePeakTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void ResetPeak_ThisProcess_PeakFollowsATensorAndDropsAfterTheReset()
    {
        Assert.True(OperatingSystem.IsLinux(), "VmHWM and clear_refs are Linux's");
        using IDeviceMemory probe = CpuMemory.ForProcess();

        probe.ResetPeak();
        long before = probe.ReadPeak() ?? throw new InvalidOperationException("this Linux system refuses /proc/self/clear_refs");
        using (Tensor filled = ones(64 * MiB))          // 256 MiB written, so resident; freed back to the system on disposal
        {
            filled.sum().Dispose();
        }

        long during = probe.ReadPeak()!.Value;
        probe.ResetPeak();
        long after = probe.ReadPeak()!.Value;

        during.Should().BeGreaterThanOrEqualTo(before + 250 * MiB);
        after.Should().BeLessThan(during - 200 * MiB, "the reset sets the peak to the resident size, without the freed tensor");
    }
}
