namespace BatchLr.TorchSharp;

/// <summary>One device as NVML enumerates it.</summary>
/// <param name="Index">NVML's index of the device, from 0.</param>
/// <param name="Name">The product name, such as <c>NVIDIA H100 80GB HBM3</c>.</param>
/// <param name="BusId">The PCI bus id.</param>
/// <param name="Uuid">The UUID, such as <c>GPU-8932f937-d72c-4106-c12f-20bd9faed9f6</c>.</param>
/// <param name="Handle">NVML's handle of the device; 0 where the device is only described (in tests).</param>
internal sealed record NvmlDevice(int Index, string Name, PciBusId BusId, string Uuid, nint Handle = 0)
{
    /// <summary>Describes the device for a log: <c>NVML device 1 (NVIDIA H100 80GB HBM3, 00000000:3B:00.0, GPU-...)</c>.</summary>
    public override string ToString() => $"NVML device {Index} ({Name}, {BusId}, {Uuid})";
}
