using BatchLr.Memory;
using System;

namespace BatchLr.TorchSharp;

/// <summary>Creates probes of an NVIDIA GPU's memory, read through NVML, the NVIDIA driver's management library.</summary>
/// <remarks>
/// <para>
/// TorchSharp 0.107 has no CUDA memory API (no <c>torch.cuda.mem_get_info</c>, <c>memory_allocated</c> or
/// <c>empty_cache</c>), so the probe asks the driver. A probe holds NVML initialized until it is disposed: it implements
/// <see cref="System.IDisposable"/>.
/// </para>
/// </remarks>
public static class CudaMemory
{
    /// <summary>Creates a probe of the GPU that TorchSharp calls <c>cuda:<paramref name="deviceIndex"/></c>.</summary>
    /// <param name="deviceIndex">The CUDA device index, as in <c>torch.device("cuda", deviceIndex)</c>.</param>
    /// <returns>
    /// The probe, unavailable with its reason when NVML's library cannot be loaded (no NVIDIA driver, macOS, a container
    /// without the driver's libraries), when a call fails, or when the device cannot be found or told apart. Dispose it to
    /// shut NVML down.
    /// </returns>
    /// <remarks>
    /// <para>
    /// <b>Figures.</b> <see cref="IDeviceMemory.Read"/> gives <c>nvmlDeviceGetMemoryInfo</c>'s total and free bytes: the whole
    /// device's, for every process on it, which is what can still be allocated. Memory that LibTorch's caching allocator
    /// keeps for this process after its tensors are freed counts as used (TorchSharp 0.107 cannot release it), yet
    /// this process's later tensors reuse it. NVML has no per-process peak: <see cref="IDeviceMemory.ReadPeak"/> returns
    /// <see langword="null"/> and <see cref="IDeviceMemory.ResetPeak"/> does nothing; measure a trial by the fall in free memory.
    /// </para>
    /// <para>
    /// <b>Which device.</b> CUDA (and so TorchSharp) and NVML number the GPUs differently. NVML enumerates every GPU the
    /// process can open, in PCI bus order, and ignores CUDA's environment. CUDA numbers the devices fastest first, unless
    /// <c>CUDA_DEVICE_ORDER=PCI_BUS_ID</c> asks for PCI bus order; then <c>CUDA_VISIBLE_DEVICES</c>, when set, chooses and
    /// reorders them: its entries are indices in that CUDA order, or GPU UUIDs (<c>GPU-8932f937-...</c> or a unique prefix),
    /// read up to the first entry that names no device. So with <c>CUDA_VISIBLE_DEVICES=2,0</c>, <c>cuda:0</c> is CUDA's
    /// device 2. The probe repeats that mapping: it orders NVML's devices by PCI bus id, which is CUDA's order under
    /// <c>CUDA_DEVICE_ORDER=PCI_BUS_ID</c>, and in practice also CUDA's fastest-first order when every GPU is the same
    /// product (equally fast devices keep their PCI bus order; <c>tools/gpu-check.sh</c> checks it on a machine); applies <c>CUDA_VISIBLE_DEVICES</c> as CUDA reads it; and takes entry <paramref name="deviceIndex"/>.
    /// When the GPUs are different products and <c>CUDA_DEVICE_ORDER</c> is not <c>PCI_BUS_ID</c>, CUDA's order cannot be
    /// read from NVML and the probe is unavailable, saying so: set <c>CUDA_DEVICE_ORDER=PCI_BUS_ID</c> (before CUDA starts,
    /// so TorchSharp uses the same order), or name the GPU with <see cref="ForNvmlDevice(string)"/>. A MIG instance
    /// (<c>MIG-...</c>) is refused: NVML's figures would be the whole GPU's. Inside a container, NVML and CUDA both see only
    /// the GPUs given to it, renumbered from 0 alike.
    /// </para>
    /// <para>
    /// The environment variables are read when the probe is created. Where the mapping must be certain, read the PCI bus id
    /// of <c>cuda:i</c> from CUDA itself (<c>cuDeviceGetPCIBusId</c>, or the <c>pci_domain_id</c>, <c>pci_bus_id</c> and
    /// <c>pci_device_id</c> of PyTorch's <c>torch.cuda.get_device_properties(i)</c>) and pass it to
    /// <see cref="ForNvmlDevice(string)"/>.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deviceIndex"/> is negative.</exception>
    public static IDeviceMemory ForDevice(int deviceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceIndex);

        string? visible = Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES");
        string? order = Environment.GetEnvironmentVariable("CUDA_DEVICE_ORDER");
        return NvmlMemoryProbe.Open(
            NvmlLibrary.DefaultNames,
            (devices, out device, out reason) => NvmlDeviceResolver.TryResolveCuda(deviceIndex, devices, visible, order, out device, out reason));
    }

    /// <summary>Creates a probe of the GPU that NVML names by <paramref name="device"/>, whatever CUDA's environment says.</summary>
    /// <param name="device">
    /// NVML's index (<c>"1"</c>, the index <c>nvidia-smi</c> shows), a PCI bus id in NVML's, CUDA's or <c>lspci</c>'s spelling
    /// (<c>"00000000:3B:00.0"</c>, <c>"0000:3b:00.0"</c>, <c>"3b:00.0"</c>), or a GPU UUID or a unique prefix of it
    /// (<c>"GPU-8932f937"</c>).
    /// </param>
    /// <returns>The probe, unavailable with its reason when NVML cannot be used or names no such device; see <see cref="ForDevice(int)"/> for the figures.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="device"/> is none of those spellings.</exception>
    public static IDeviceMemory ForNvmlDevice(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!NvmlDeviceResolver.IsExplicitSpec(device))
        {
            throw new ArgumentException(
                $"'device' is '{device}'; it must be an NVML index (\"1\"), a PCI bus id (\"0000:3b:00.0\") or a GPU UUID or its prefix (\"GPU-8932f937\").",
                nameof(device));
        }

        return NvmlMemoryProbe.Open(
            NvmlLibrary.DefaultNames,
            (devices, out found, out reason) => NvmlDeviceResolver.TryResolveExplicit(device, devices, out found, out reason));
    }
}
