using BatchLr.Memory;
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace BatchLr.TorchSharp.Tests.Memory;

public class NvmlMemoryProbeTests
{
    private const ulong GiB = 1UL << 30;

    [Fact]
    public void Open_LibraryAbsent_IsUnavailableWithAReasonAndNoException()
    {
        using var probe = NvmlMemoryProbe.Open(["libbatchlr-no-such-nvml.so.1"], AnyDevice);

        probe.IsAvailable.Should().BeFalse();
        probe.UnavailableReason.Should().StartWith("NVML unavailable").And.Contain("libbatchlr-no-such-nvml.so.1");
        probe.Device.Should().BeNull();
        probe.Invoking(p => p.Read()).Should().Throw<InvalidOperationException>().WithMessage("NVML unavailable*");
        probe.ReadPeak().Should().BeNull();
    }

    [Fact]
    public void Open_LibraryWithoutNvmlFunctions_IsUnavailableNamingTheMissingFunction()
    {
        // A library that loads everywhere and is not NVML: the C runtime.
        string notNvml = OperatingSystem.IsWindows() ? "kernel32.dll" : OperatingSystem.IsMacOS() ? "libSystem.dylib" : "libc.so.6";
        using var probe = NvmlMemoryProbe.Open([notNvml], AnyDevice);

        probe.IsAvailable.Should().BeFalse();
        probe.UnavailableReason.Should().Be($"NVML unavailable: {notNvml} has no function nvmlInit_v2; the NVIDIA driver is too old (410 or later is needed) or the library is not NVML.");
    }

    [Fact]
    public void ForDevice_ThisMachine_IsAvailableExactlyWhereTheDriversLibraryLoads()
    {
        bool driverPresent = NvmlLibrary.DefaultNames.Count > 0 && NativeLibrary.TryLoad(NvmlLibrary.DefaultNames[0], out _);
        using IDeviceMemory probe = CudaMemory.ForDevice(0);

        if (driverPresent)
        {
            // A machine with an NVIDIA driver: either its first GPU reads, or the reason is NVML's own.
            if (probe.IsAvailable)
            {
                DeviceMemoryInfo info = probe.Read();
                info.FreeBytes.Should().BeLessThanOrEqualTo(info.TotalBytes);
                info.TotalBytes.Should().BePositive();
            }
            else
            {
                probe.UnavailableReason.Should().StartWith("NVML");
            }
        }
        else
        {
            probe.IsAvailable.Should().BeFalse();
            probe.UnavailableReason.Should().StartWith("NVML unavailable");
        }
    }

    [Fact]
    public void Open_InitFails_IsUnavailableWithNvmlsWordsAndNeverShutsDown()
    {
        var nvml = new FakeNvml(H100("00000000:3B:00.0", "GPU-aaaa")) { InitResult = FakeNvml.DriverNotLoaded };

        using var probe = NvmlMemoryProbe.Open(nvml, AnyDevice);

        probe.IsAvailable.Should().BeFalse();
        probe.UnavailableReason.Should().Be("NVML unavailable: nvmlInit_v2 failed: Driver Not Loaded (NVML return code 9).");
        probe.Dispose();
        nvml.ShutdownCalls.Should().Be(0, "NVML was never initialized");
    }

    [Fact]
    public void Open_EnumerationFails_IsUnavailableAndShutsNvmlDown()
    {
        var nvml = new FakeNvml(H100("00000000:3B:00.0", "GPU-aaaa")) { PciResult = FakeNvml.NoPermission };

        using var probe = NvmlMemoryProbe.Open(nvml, AnyDevice);

        probe.UnavailableReason.Should().Be("NVML unavailable: nvmlDeviceGetPciInfo_v3 failed for NVML device 0: Insufficient Permissions (NVML return code 4).");
        nvml.ShutdownCalls.Should().Be(1);
    }

    [Fact]
    public void Open_NoDeviceChosen_IsUnavailableWithTheChoosersReasonAndShutsNvmlDown()
    {
        var nvml = new FakeNvml(H100("00000000:3B:00.0", "GPU-aaaa"));

        using var probe = NvmlMemoryProbe.Open(nvml, (IReadOnlyList<NvmlDevice> devices, out NvmlDevice? device, out string? reason) =>
            NvmlDeviceResolver.TryResolveCuda(1, devices, null, null, out device, out reason));

        probe.UnavailableReason.Should().Be("NVML device not found: CUDA device 1 does not exist: NVML sees 1 device(s) visible.");
        nvml.ShutdownCalls.Should().Be(1);
    }

    [Fact]
    public void Read_ChosenDevice_GivesItsTotalAndFree()
    {
        var nvml = new FakeNvml(H100("00000000:3B:00.0", "GPU-aaaa", free: 70 * GiB), H100("00000000:1A:00.0", "GPU-bbbb", free: 10 * GiB));

        using var probe = NvmlMemoryProbe.Open(nvml, (IReadOnlyList<NvmlDevice> devices, out NvmlDevice? device, out string? reason) =>
            NvmlDeviceResolver.TryResolveCuda(0, devices, null, null, out device, out reason));

        probe.IsAvailable.Should().BeTrue();
        probe.Device!.Uuid.Should().Be("GPU-bbbb", "cuda:0 is the first device in PCI bus order, 1A before 3B");
        probe.Read().Should().Be(new DeviceMemoryInfo((long)(80 * GiB), (long)(10 * GiB)));
        probe.ReadRaw().Used.Should().Be(70 * GiB - 1);
        probe.ReadPeak().Should().BeNull("NVML keeps no per-process peak");
        probe.ResetPeak();
        probe.ReadPeak().Should().BeNull();
    }

    [Fact]
    public void Read_CallFails_ThrowsAndStaysUnavailable()
    {
        var nvml = new FakeNvml(H100("00000000:3B:00.0", "GPU-aaaa"));
        using var probe = NvmlMemoryProbe.Open(nvml, AnyDevice);
        nvml.MemoryResult = FakeNvml.GpuIsLost;

        probe.Invoking(p => p.Read()).Should().Throw<InvalidOperationException>()
            .WithMessage("NVML unavailable: nvmlDeviceGetMemoryInfo failed for NVML device 0 (NVIDIA H100 80GB HBM3, 00000000:3B:00.0, GPU-aaaa): GPU is lost (NVML return code 15).");
        probe.IsAvailable.Should().BeFalse();

        nvml.MemoryResult = 0;
        probe.Invoking(p => p.Read()).Should().Throw<InvalidOperationException>("a lost device is not trusted again");
    }

    [Fact]
    public void Open_FirstReadFails_IsUnavailableButKeepsNvmlUntilDisposed()
    {
        var nvml = new FakeNvml(H100("00000000:3B:00.0", "GPU-aaaa")) { MemoryResult = 3 };

        var probe = NvmlMemoryProbe.Open(nvml, AnyDevice);

        probe.IsAvailable.Should().BeFalse();
        probe.UnavailableReason.Should().Contain("nvmlDeviceGetMemoryInfo failed");
        nvml.ShutdownCalls.Should().Be(0);
        probe.Dispose();
        nvml.ShutdownCalls.Should().Be(1);
    }

    [Fact]
    public void Dispose_Twice_ShutsNvmlDownOnceAndReadThrows()
    {
        var nvml = new FakeNvml(H100("00000000:3B:00.0", "GPU-aaaa"));
        var probe = NvmlMemoryProbe.Open(nvml, AnyDevice);

        probe.Dispose();
        probe.Dispose();

        nvml.InitCalls.Should().Be(1);
        nvml.ShutdownCalls.Should().Be(1);
        probe.IsAvailable.Should().BeFalse();
        probe.Invoking(p => p.Read()).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void ForNvmlDevice_NotASpelling_Throws()
    {
        FluentActions.Invoking(() => CudaMemory.ForNvmlDevice("cuda:0")).Should().Throw<ArgumentException>()
            .WithParameterName("device").WithMessage("'device' is 'cuda:0'; it must be*");
        FluentActions.Invoking(() => CudaMemory.ForNvmlDevice(null!)).Should().Throw<ArgumentNullException>().WithParameterName("device");
    }

    [Fact]
    public void ForDevice_Negative_Throws()
    {
        FluentActions.Invoking(() => CudaMemory.ForDevice(-1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("deviceIndex");
    }

    private static (string, string, string, ulong, ulong) H100(string busId, string uuid, ulong free = 60 * GiB) =>
        ("NVIDIA H100 80GB HBM3", busId, uuid, 80 * GiB, free);

    private static bool AnyDevice(IReadOnlyList<NvmlDevice> devices, out NvmlDevice? device, out string? reason)
    {
        device = devices.Count > 0 ? devices[0] : null;
        reason = device is null ? "none" : null;
        return device is not null;
    }
}
