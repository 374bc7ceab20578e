using System.Runtime.InteropServices;

namespace BatchLr.TorchSharp;

/// <summary>NVML's <c>nvmlMemory_t</c>: a device's memory in bytes, for every process together.</summary>
/// <remarks>
/// <see cref="Used"/> is what allocations hold; since driver R510 it leaves out memory the driver reserves, so
/// <c>Total − Free</c> may exceed it. Planning uses <see cref="Free"/>.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
internal struct NvmlMemoryInfo
{
    /// <summary>The device's installed memory.</summary>
    public ulong Total;

    /// <summary>The memory no allocation holds.</summary>
    public ulong Free;

    /// <summary>The memory allocations hold.</summary>
    public ulong Used;
}
