using BatchLr.Memory;

namespace BatchLr.TorchSharp;

/// <summary>Creates the probe of the CPU memory this process may use.</summary>
public static class CpuMemory
{
    /// <summary>Creates a probe of the CPU memory this process may still use, and of its peak resident size.</summary>
    /// <returns>
    /// The probe; on Linux unavailable only when <c>/proc/meminfo</c> cannot be read. Disposing it does nothing.
    /// </returns>
    /// <remarks>
    /// <para>
    /// <b>Linux.</b> <see cref="IDeviceMemory.Read"/> gives the smaller of the system's figures (<c>/proc/meminfo</c>: total
    /// <c>MemTotal</c>, free <c>MemAvailable</c>, the kernel's estimate of what can be allocated without swapping) and the
    /// process's cgroup's: the tightest limit of its cgroup and their ancestors (v2 <c>memory.max</c>, v1
    /// <c>memory.limit_in_bytes</c>) as the total, and as the free memory the least that is left under one of them,
    /// <c>limit − (usage − inactive_file)</c> (v2 <c>memory.current</c>, v1 <c>memory.usage_in_bytes</c>; the inactive page
    /// cache, which the kernel reclaims first, from <c>memory.stat</c>). The process's cgroup is found through
    /// <c>/proc/self/cgroup</c> and <c>/proc/self/mountinfo</c>, as the .NET runtime finds it, inside containers too.
    /// </para>
    /// <para>
    /// <see cref="IDeviceMemory.ReadPeak"/> gives the peak resident set size, <c>VmHWM</c> of <c>/proc/self/status</c>, and
    /// <see cref="IDeviceMemory.ResetPeak"/> resets it to the current resident size by writing <c>5</c> to
    /// <c>/proc/self/clear_refs</c> (Linux 4.0 and later), for the whole process. Where that write is refused (an older kernel,
    /// a sandbox such as gVisor, a seccomp policy), the peak would include the time before the trial, so
    /// <see cref="IDeviceMemory.ReadPeak"/> returns <see langword="null"/> until a reset succeeds. Before any reset it gives the
    /// peak since the process started.
    /// </para>
    /// <para>
    /// <b>Other systems.</b> The figures of the garbage collector (<see cref="System.GC.GetGCMemoryInfo()"/>): the total is
    /// <see cref="System.GCMemoryInfo.TotalAvailableMemoryBytes"/> (the physical memory, or the container's or the GC's
    /// limit), the free memory that total less <see cref="System.GCMemoryInfo.MemoryLoadBytes"/>, the system's memory load as of the last
    /// collection (a generation-0 collection is run once when none ran yet). There is no peak:
    /// <see cref="IDeviceMemory.ReadPeak"/> returns <see langword="null"/>.
    /// </para>
    /// <para>
    /// The probe only reads; it never allocates to find a limit. On the CPU an allocation beyond the limit need not fail: on
    /// Linux memory is overcommitted, and the kernel's OOM killer, or the cgroup's, ends the process with SIGKILL when the
    /// memory is touched, with no exception to catch. Plan below the free figure, with a margin.
    /// </para>
    /// </remarks>
    public static IDeviceMemory ForProcess() => new CpuMemoryProbe();
}
