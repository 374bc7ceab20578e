using System;
using System.Collections.Generic;
using System.Diagnostics;
using BatchLr.TorchSharp;

namespace BatchLr.GpuCheck;

/// <summary>
/// Fits a fixed + per-sample memory model to NVML's figures on two small trials, predicts the largest batch that fits, then
/// allocates through the CUDA driver, one simulated sample at a time, until allocation fails, and compares the two.
/// </summary>
internal static class AllocationCheck
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    public static int Run(CheckOptions o)
    {
        Console.WriteLine($"== Allocation until failure against the fixed + per-sample model (cuda:{o.Device})");
        Program.Line($"  simulated cost: fixed {Program.Bytes(o.FixedBytes)}, per sample {Program.Bytes(o.PerSampleBytes)}; fitting trials of {o.TrialA} and {o.TrialB} samples");

        using var probe = (NvmlMemoryProbe)CudaMemory.ForDevice(o.Device);
        if (!probe.IsAvailable)
        {
            Program.Line($"  {probe.UnavailableReason}");
            return Program.Result("alloc", Program.Unavailable, "NVML unavailable");
        }

        CudaDriver? cuda = CudaDriver.TryLoad(out string? reason);
        if (cuda is null)
        {
            Program.Line($"  CUDA driver API: {reason}");
            return Program.Result("alloc", Program.Unavailable, "CUDA driver unavailable");
        }

        int r;
        if ((r = cuda.Init()) != 0 || (r = cuda.Device(o.Device, out int device)) != 0)
        {
            Program.Line($"  cuInit/cuDeviceGet({o.Device}) failed: {cuda.ErrorName(r)}");
            return Program.Result("alloc", Program.Unavailable, "CUDA device unavailable");
        }

        cuda.DriverVersion(out int version);
        cuda.Name(device, out string name);
        cuda.PciBusId(device, out string busText);
        bool mapped = PciBusId.TryParse(busText, out PciBusId busId) && busId == probe.Device!.BusId;
        Program.Line($"  CUDA driver {version / 1000}.{version % 1000 / 10}: cuda:{o.Device} is {name} at {busText}");
        Program.Line($"  NVML probe:  {probe.Device}");
        Program.Line($"  mapping cuda:{o.Device} -> NVML device: {(mapped ? "the same device" : "DIFFERENT DEVICES")}");

        if ((r = cuda.CreateContext(device, out nint context, out string contextKind)) != 0)
        {
            Program.Line($"  context creation ({contextKind}) failed: {cuda.ErrorName(r)}");
            return Program.Result("alloc", Program.Failed, "no context");
        }

        var held = new List<ulong>();
        try
        {
            NvmlMemoryInfo start = probe.ReadRaw();
            cuda.MemGetInfo(out long cudaFree, out long cudaTotal);
            Program.Line($"  context: {contextKind}");
            Program.Line($"  free before: NVML {Program.Bytes(start.Free)}, cuMemGetInfo {Program.Bytes(cudaFree)} (of {Program.Bytes(cudaTotal)})");

            // Two trials: what NVML's free memory falls by while each is held gives the model.
            long[] costs = new long[2];
            int[] trials = [o.TrialA, o.TrialB];
            for (int t = 0; t < 2; t++)
            {
                if (!Allocate(cuda, o.FixedBytes, held, out r) || !AllocateSamples(cuda, o.PerSampleBytes, trials[t], held, out r))
                {
                    Program.Line($"  trial of {trials[t]} samples failed: {cuda.ErrorName(r)}");
                    return Program.Result("alloc", Program.Failed, "a fitting trial does not fit");
                }

                costs[t] = (long)start.Free - (long)probe.ReadRaw().Free;
                FreeAll(cuda, held);
                Program.Line($"  trial of {trials[t],3} samples: NVML's free memory fell by {Program.Bytes(costs[t])}");
            }

            double perSample = (double)(costs[1] - costs[0]) / (o.TrialB - o.TrialA);
            double fixedCost = costs[0] - perSample * o.TrialA;
            long predicted = perSample > 0 ? (long)Math.Floor(((long)start.Free - fixedCost) / perSample) : -1;
            Program.Line($"  fitted model: fixed {Program.Bytes(fixedCost)}, per sample {Program.Bytes(perSample)}");
            Program.Line($"  predicted limit from NVML's free memory: {predicted} samples");

            // The real limit: the fixed cost, then one sample at a time until the driver refuses.
            var clock = Stopwatch.StartNew();
            long cap = (long)(start.Total / (ulong)o.PerSampleBytes) + 16;
            if (!Allocate(cuda, o.FixedBytes, held, out r))
            {
                Program.Line($"  the fixed cost alone does not fit: {cuda.ErrorName(r)}");
                return Program.Result("alloc", Program.Failed, "fixed cost does not fit");
            }

            long real = 0;
            while (real < cap && clock.Elapsed < Budget && Allocate(cuda, o.PerSampleBytes, held, out r))
            {
                real++;
            }

            NvmlMemoryInfo atLimit = probe.ReadRaw();
            FreeAll(cuda, held);
            string stop = r == CudaDriver.OutOfMemory ? $"sample {real + 1}: {cuda.ErrorName(r)}"
                : r != 0 ? $"sample {real + 1}: {cuda.ErrorName(r)}, not an out-of-memory"
                : "stopped by the time or count limit";
            Program.Line($"  real limit: {real} samples ({stop}; {clock.Elapsed.TotalSeconds:F1} s); NVML's free memory then {Program.Bytes(atLimit.Free)}");

            long gap = predicted - real;
            double gapPercent = real > 0 ? 100.0 * gap / real : double.PositiveInfinity;
            bool close = r == CudaDriver.OutOfMemory && real > 0 && Math.Abs(gapPercent) <= o.TolerancePercent;
            bool fitted = Math.Abs(perSample - o.PerSampleBytes) <= 0.01 * o.PerSampleBytes;
            Program.Line($"  predicted − real: {gap:+0;-0;0} samples ({gapPercent:+0.00;-0.00;0.00} %), tolerance {o.TolerancePercent} %: {(close ? "within" : "OUTSIDE")}");
            Program.Line($"  fitted per-sample cost within 1 % of the simulated one: {(fitted ? "yes" : "NO")}");
            return Program.Result("alloc", close && fitted && mapped ? Program.Passed : Program.Failed);
        }
        finally
        {
            FreeAll(cuda, held);
            cuda.DestroyContext(device, context);
        }
    }

    private static bool AllocateSamples(CudaDriver cuda, long bytes, int count, List<ulong> held, out int result)
    {
        result = 0;
        for (int i = 0; i < count; i++)
        {
            if (!Allocate(cuda, bytes, held, out result))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Allocate(CudaDriver cuda, long bytes, List<ulong> held, out int result)
    {
        if (bytes == 0)
        {
            result = 0;
            return true;
        }

        result = cuda.Alloc(bytes, out ulong pointer);
        if (result == 0)
        {
            held.Add(pointer);
        }

        return result == 0;
    }

    private static void FreeAll(CudaDriver cuda, List<ulong> held)
    {
        foreach (ulong pointer in held)
        {
            cuda.Free(pointer);
        }

        held.Clear();
    }
}
