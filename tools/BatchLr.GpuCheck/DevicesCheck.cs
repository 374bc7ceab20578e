using BatchLr.Memory;
using System;
using BatchLr.TorchSharp;

namespace BatchLr.GpuCheck;

/// <summary>Lists NVML's devices, maps <c>cuda:N</c> to one, and reads its memory.</summary>
internal static class DevicesCheck
{
    public static int Run(CheckOptions options)
    {
        Console.WriteLine($"== NVML: devices, and cuda:{options.Device}");
        Program.Line($"  CUDA_VISIBLE_DEVICES: {Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES") ?? "(not set)"}");
        Program.Line($"  CUDA_DEVICE_ORDER: {Environment.GetEnvironmentVariable("CUDA_DEVICE_ORDER") ?? "(not set: fastest first)"}");
        using var probe = (NvmlMemoryProbe)CudaMemory.ForDevice(options.Device);
        foreach (NvmlDevice device in probe.Devices)
        {
            Program.Line($"  {device}");
        }

        if (!probe.IsAvailable)
        {
            Program.Line($"  {probe.UnavailableReason}");
            return Program.Result("nvml", Program.Unavailable, probe.UnavailableReason!.StartsWith("NVML unavailable", StringComparison.Ordinal) ? "NVML unavailable" : "device not found");
        }

        NvmlMemoryInfo memory = probe.ReadRaw();
        DeviceMemoryInfo info = probe.Read();
        Program.Line($"  cuda:{options.Device} -> {probe.Device}");
        Program.Line($"  total {Program.Bytes(memory.Total)}, free {Program.Bytes(memory.Free)}, used {Program.Bytes(memory.Used)}");
        bool plausible = info.TotalBytes > 0 && info.FreeBytes <= info.TotalBytes && memory.Used <= memory.Total;
        return Program.Result("nvml", plausible ? Program.Passed : Program.Failed, plausible ? null : "free or used exceeds total");
    }
}
