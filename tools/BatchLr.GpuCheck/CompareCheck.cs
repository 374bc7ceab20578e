using System;
using BatchLr.TorchSharp;

namespace BatchLr.GpuCheck;

/// <summary>Compares NVML's figures for <c>cuda:N</c> with PyTorch's <c>torch.cuda.mem_get_info(N)</c>, read while PyTorch's context is alive.</summary>
internal static class CompareCheck
{
    public static int Run(CheckOptions options)
    {
        Console.WriteLine($"== NVML against PyTorch's torch.cuda.mem_get_info({options.Device})");
        if (options.TorchFree is not { } torchFree || options.TorchTotal is not { } torchTotal)
        {
            Console.WriteLine("  --torch-free and --torch-total are required.");
            return Program.Usage;
        }

        using var probe = (NvmlMemoryProbe)CudaMemory.ForDevice(options.Device);
        if (!probe.IsAvailable)
        {
            Program.Line($"  {probe.UnavailableReason}");
            return Program.Result("compare", Program.Unavailable, "NVML unavailable");
        }

        NvmlMemoryInfo nvml = probe.ReadRaw();
        long total = (long)nvml.Total, free = (long)nvml.Free;
        Program.Line($"  device:  {probe.Device}");
        Program.Line($"  total:   NVML {Program.Bytes(total)}, PyTorch {Program.Bytes(torchTotal)}, PyTorch − NVML {Program.Bytes(torchTotal - total)} ({100.0 * (torchTotal - total) / total:F2} %)");
        Program.Line($"  free:    NVML {Program.Bytes(free)}, PyTorch {Program.Bytes(torchFree)}, PyTorch − NVML {Program.Bytes(torchFree - free)} ({100.0 * (torchFree - free) / total:F2} % of total)");

        // CUDA leaves out of its total what the driver reserves (some hundred MiB); both free figures are the device's, read
        // with the same contexts alive, so they differ only by what changed between the two reads.
        bool totalAgrees = Math.Abs(torchTotal - total) <= 0.02 * total;
        bool freeAgrees = Math.Abs(torchFree - free) <= 0.02 * total;
        Program.Line($"  total within 2 %: {(totalAgrees ? "yes" : "NO")}; free within 2 % of the total: {(freeAgrees ? "yes" : "NO")}");

        bool mappingAgrees = true;
        if (options.TorchBusId is { } torchBus)
        {
            mappingAgrees = PciBusId.TryParse(torchBus, out PciBusId torchId) && torchId == probe.Device!.BusId;
            Program.Line($"  device:  PyTorch's cuda:{options.Device} is at {torchBus}, NVML's choice at {probe.Device!.BusId}: {(mappingAgrees ? "the same" : "DIFFERENT")}");
        }
        else
        {
            Program.Line($"  device:  this PyTorch does not report a PCI bus id; the mapping is checked by 'alloc' through the CUDA driver");
        }

        bool passed = totalAgrees && freeAgrees && mappingAgrees;
        return Program.Result("compare", passed ? Program.Passed : Program.Failed);
    }
}
