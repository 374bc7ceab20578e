using System.Collections.Generic;

namespace BatchLr.TorchSharp.Tests.Memory;

public class NvmlDeviceResolverTests
{
    // NVML's indices follow its own enumeration; the PCI bus order is 1A (NVML 2), 3B (NVML 0), 5C (NVML 1).
    private static readonly IReadOnlyList<NvmlDevice> SameProduct =
    [
        new(0, "NVIDIA A100-SXM4-80GB", Bus("00000000:3B:00.0"), "GPU-3b3b3b3b-0000-0000-0000-000000000000"),
        new(1, "NVIDIA A100-SXM4-80GB", Bus("00000000:5C:00.0"), "GPU-5c5c5c5c-0000-0000-0000-000000000000"),
        new(2, "NVIDIA A100-SXM4-80GB", Bus("00000000:1A:00.0"), "GPU-1a1a1a1a-0000-0000-0000-000000000000"),
    ];

    private static readonly IReadOnlyList<NvmlDevice> Mixed =
    [
        new(0, "NVIDIA T4", Bus("00000000:1A:00.0"), "GPU-1a1a1a1a-0000-0000-0000-000000000000"),
        new(1, "NVIDIA A100-SXM4-80GB", Bus("00000000:3B:00.0"), "GPU-3b3b3b3b-0000-0000-0000-000000000000"),
    ];

    [Theory]
    [InlineData(0, null, null, 2)]
    [InlineData(1, null, null, 0)]
    [InlineData(2, null, null, 1)]
    [InlineData(0, "2,0", null, 1)]                       // CUDA's device 2 in PCI order is 5C
    [InlineData(1, "2,0", null, 2)]
    [InlineData(0, " 1 ", "PCI_BUS_ID", 0)]
    [InlineData(0, "GPU-5c5c", null, 1)]                  // a unique UUID prefix
    [InlineData(1, "GPU-5c5c5c5c-0000-0000-0000-000000000000,0", null, 2)]
    public void TryResolveCuda_SameProduct_FollowsPciOrderAndTheVisibleList(int cudaIndex, string? visible, string? order, int nvmlIndex)
    {
        NvmlDeviceResolver.TryResolveCuda(cudaIndex, SameProduct, visible, order, out NvmlDevice? device, out string? reason).Should().BeTrue(reason);

        device!.Index.Should().Be(nvmlIndex);
    }

    [Theory]
    [InlineData(1, "1", "CUDA device 1 does not exist: CUDA_VISIBLE_DEVICES='1' makes 1 device(s) visible.")]
    [InlineData(1, "0,7,1", "CUDA device 1 does not exist: CUDA_VISIBLE_DEVICES='0,7,1' makes 1 device(s) visible.")]   // CUDA stops at 7
    [InlineData(0, "", "CUDA device 0 does not exist: CUDA_VISIBLE_DEVICES='' makes 0 device(s) visible.")]
    [InlineData(0, "-1", "CUDA device 0 does not exist: CUDA_VISIBLE_DEVICES='-1' makes 0 device(s) visible.")]
    [InlineData(0, "GPU-", "CUDA device 0 does not exist: CUDA_VISIBLE_DEVICES='GPU-' makes 0 device(s) visible.")]       // a prefix of every UUID
    [InlineData(3, null, "CUDA device 3 does not exist: NVML sees 3 device(s) visible.")]
    public void TryResolveCuda_NotVisible_SaysHowManyAre(int cudaIndex, string? visible, string expected)
    {
        NvmlDeviceResolver.TryResolveCuda(cudaIndex, SameProduct, visible, null, out NvmlDevice? device, out string? reason).Should().BeFalse();

        device.Should().BeNull();
        reason.Should().Be(expected);
    }

    [Fact]
    public void TryResolveCuda_MigInstance_IsRefused()
    {
        NvmlDeviceResolver.TryResolveCuda(0, SameProduct, "MIG-11111111-2222-3333-4444-555555555555", null, out _, out string? reason).Should().BeFalse();

        reason.Should().Contain("MIG instance").And.Contain("whole GPU");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    public void TryResolveCuda_DifferentProductsFastestFirst_CannotBeToldAndSaysHowToFixIt(string? visible)
    {
        NvmlDeviceResolver.TryResolveCuda(0, Mixed, visible, null, out _, out string? reason).Should().BeFalse();

        reason.Should().StartWith("CUDA orders devices fastest first (CUDA_DEVICE_ORDER is not set) and they differ (NVIDIA T4, NVIDIA A100-SXM4-80GB)")
            .And.Contain("set CUDA_DEVICE_ORDER=PCI_BUS_ID");
    }

    [Theory]
    [InlineData(0, null, "PCI_BUS_ID", 0)]
    [InlineData(0, "1", "PCI_BUS_ID", 1)]
    [InlineData(0, "GPU-3b3b", null, 1)]                  // UUIDs need no order
    public void TryResolveCuda_DifferentProducts_ResolvesInPciOrderOrByUuid(int cudaIndex, string? visible, string? order, int nvmlIndex)
    {
        NvmlDeviceResolver.TryResolveCuda(cudaIndex, Mixed, visible, order, out NvmlDevice? device, out string? reason).Should().BeTrue(reason);

        device!.Index.Should().Be(nvmlIndex);
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData("00000000:5C:00.0", 1)]
    [InlineData("0000:5c:00.0", 1)]
    [InlineData("5c:00.0", 1)]
    [InlineData(" gpu-1A1A ", 2)]
    public void TryResolveExplicit_EverySpelling_FindsTheDevice(string spec, int nvmlIndex)
    {
        NvmlDeviceResolver.IsExplicitSpec(spec).Should().BeTrue();
        NvmlDeviceResolver.TryResolveExplicit(spec, SameProduct, out NvmlDevice? device, out string? reason).Should().BeTrue(reason);

        device!.Index.Should().Be(nvmlIndex);
    }

    [Theory]
    [InlineData("3", "NVML device 3 does not exist: NVML sees 3 device(s).")]
    [InlineData("0000:99:00.0", "No NVML device is at PCI bus id 00000000:99:00.0; NVML sees NVML device 0 (NVIDIA A100-SXM4-80GB, 00000000:3B:00.0, GPU-3b3b3b3b-0000-0000-0000-000000000000); NVML device 1 (NVIDIA A100-SXM4-80GB, 00000000:5C:00.0, GPU-5c5c5c5c-0000-0000-0000-000000000000); NVML device 2 (NVIDIA A100-SXM4-80GB, 00000000:1A:00.0, GPU-1a1a1a1a-0000-0000-0000-000000000000).")]
    public void TryResolveExplicit_NoSuchDevice_SaysWhatNvmlSees(string spec, string expected)
    {
        NvmlDeviceResolver.TryResolveExplicit(spec, SameProduct, out _, out string? reason).Should().BeFalse();

        reason.Should().Be(expected);
    }

    [Fact]
    public void TryResolveExplicit_AmbiguousUuidPrefix_IsRefused()
    {
        NvmlDeviceResolver.TryResolveExplicit("GPU-", SameProduct, out _, out string? reason).Should().BeFalse();

        reason.Should().StartWith("No single NVML device has a UUID starting with 'GPU-'");
    }

    [Theory]
    [InlineData("")]
    [InlineData("cuda:0")]
    [InlineData("GPU-")]
    [InlineData("-1")]
    [InlineData("3b:00")]
    [InlineData("3b:20.0")]                                  // a PCI device number is 5 bits
    public void IsExplicitSpec_OtherText_IsFalse(string spec)
    {
        NvmlDeviceResolver.IsExplicitSpec(spec).Should().BeFalse();
    }

    [Theory]
    [InlineData("00000000:3B:00.0", 0u, 0x3Bu, 0u, 0u)]
    [InlineData("0001:af:1f.7", 1u, 0xAFu, 0x1Fu, 7u)]
    [InlineData("3b:00.1", 0u, 0x3Bu, 0u, 1u)]
    public void PciBusId_TryParse_ReadsEverySpelling(string text, uint domain, uint bus, uint device, uint function)
    {
        PciBusId.TryParse(text, out PciBusId id).Should().BeTrue();

        id.Should().Be(new PciBusId(domain, bus, device, function));
    }

    [Fact]
    public void PciBusId_OrderAndText_AreNvmls()
    {
        Bus("0000:5c:00.0").Should().BeGreaterThan(Bus("0000:3b:00.0"));
        Bus("0001:00:00.0").Should().BeGreaterThan(Bus("0000:ff:1f.7"));
        Bus("3b:00.0").ToString().Should().Be("00000000:3B:00.0");
    }

    private static PciBusId Bus(string text) => PciBusId.TryParse(text, out PciBusId id) ? id : throw new System.ArgumentException(text);
}
