using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace BatchLr.TorchSharp.Tests.Memory;

/// <summary>NVML as a list of devices, whose calls can be made to fail with NVML's return codes.</summary>
internal sealed class FakeNvml(params (string Name, string BusId, string Uuid, ulong Total, ulong Free)[] devices) : INvmlApi
{
    public const int DriverNotLoaded = 9, NoPermission = 4, GpuIsLost = 15;

    public int InitResult { get; set; }

    public int MemoryResult { get; set; }

    public int PciResult { get; set; }

    public int InitCalls { get; private set; }

    public int ShutdownCalls { get; private set; }

    public List<nint> MemoryReads { get; } = [];

    public int Init()
    {
        InitCalls++;
        return InitResult;
    }

    public int Shutdown()
    {
        ShutdownCalls++;
        return 0;
    }

    public int GetDeviceCount(out uint count)
    {
        count = (uint)devices.Length;
        return 0;
    }

    // Handles are 100 + the NVML index, so a test sees which device was read.
    public int GetHandleByIndex(uint index, out nint device)
    {
        device = (nint)(100 + index);
        return 0;
    }

    public int GetName(nint device, out string name)
    {
        name = devices[device - 100].Name;
        return 0;
    }

    public int GetUuid(nint device, out string uuid)
    {
        uuid = devices[device - 100].Uuid;
        return 0;
    }

    public int GetPciBusId(nint device, out string busId)
    {
        busId = PciResult == 0 ? devices[device - 100].BusId : string.Empty;
        return PciResult;
    }

    public int GetMemoryInfo(nint device, out NvmlMemoryInfo memory)
    {
        MemoryReads.Add(device);
        var d = devices[device - 100];
        memory = MemoryResult == 0 ? new NvmlMemoryInfo { Total = d.Total, Free = d.Free, Used = d.Total - d.Free - 1 } : default;
        return MemoryResult;
    }

    public string ErrorString(int result) => result switch
    {
        DriverNotLoaded => "Driver Not Loaded",
        NoPermission => "Insufficient Permissions",
        GpuIsLost => "GPU is lost",
        _ => "Unknown Error",
    } + string.Create(CultureInfo.InvariantCulture, $" (NVML return code {result})");

    public IReadOnlyList<NvmlDevice> Devices() =>
        [.. devices.Select((d, i) => new NvmlDevice(i, d.Name, PciBusId.TryParse(d.BusId, out PciBusId id) ? id : default, d.Uuid, 100 + i))];
}
