using BatchLr.Memory;
using System;
using System.Globalization;

namespace BatchLr.TorchSharp;

/// <summary>Reads the CPU memory this process may still use, and its peak resident size, from Linux's files or the GC's figures elsewhere.</summary>
/// <remarks>See <see cref="CpuMemory.ForProcess"/> for the rules. Reading never allocates more than the files it reads.</remarks>
internal sealed class CpuMemoryProbe : IDeviceMemory
{
    private readonly string _root;
    private readonly bool _linux;
    private volatile string? _unavailable;
    private volatile bool _peakKnown = true;

    /// <summary>Creates a probe of this process on this system.</summary>
    public CpuMemoryProbe()
        : this(LinuxMemoryFiles.SystemRoot, OperatingSystem.IsLinux())
    {
    }

    /// <summary>Creates a probe that reads Linux's files under <paramref name="root"/>, or, when <paramref name="linux"/> is false, the GC's figures.</summary>
    internal CpuMemoryProbe(string root, bool linux)
    {
        _root = root;
        _linux = linux;
        if (linux)
        {
            if (!LinuxMemoryFiles.TryReadMeminfo(root, out _, out _, out string? error))
            {
                _unavailable = error;
            }
        }
        else if (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes <= 0)
        {
            _unavailable = "The garbage collector reports no available memory on this system.";
        }
    }

    /// <inheritdoc/>
    public bool IsAvailable => _unavailable is null;

    /// <inheritdoc/>
    public string? UnavailableReason => _unavailable;

    /// <summary>Gets where the last <see cref="Read"/> took its figures from, for a log.</summary>
    /// <value>For example <c>cgroup v2 limit at /sys/fs/cgroup/app</c>, <c>/proc/meminfo</c> or <c>GC memory info</c>; <see langword="null"/> before the first read.</value>
    public string? Source { get; private set; }

    /// <inheritdoc/>
    public DeviceMemoryInfo Read()
    {
        if (_unavailable is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        return _linux ? ReadLinux() : ReadGc();
    }

    /// <inheritdoc/>
    public void ResetPeak()
    {
        if (_linux)
        {
            _peakKnown = LinuxMemoryFiles.TryResetPeakResident(_root);
        }
    }

    /// <inheritdoc/>
    public long? ReadPeak() => _linux && _peakKnown ? LinuxMemoryFiles.ReadPeakResidentBytes(_root) : null;

    /// <summary>Does nothing: the probe holds no resource.</summary>
    public void Dispose()
    {
    }

    private DeviceMemoryInfo ReadLinux()
    {
        if (!LinuxMemoryFiles.TryReadMeminfo(_root, out long total, out long free, out string? error))
        {
            _unavailable = error;
            throw new InvalidOperationException(error);
        }

        string source = "/proc/meminfo";
        if (LinuxMemoryFiles.ReadCgroupLimit(_root) is { } cgroup && (cgroup.LimitBytes < total || cgroup.LeftBytes < free))
        {
            total = Math.Min(total, cgroup.LimitBytes);
            free = Math.Min(free, cgroup.LeftBytes);
            source = string.Create(CultureInfo.InvariantCulture, $"cgroup v{cgroup.Version} limit at {cgroup.Directory}");
        }

        Source = source;
        return new DeviceMemoryInfo(total, Math.Clamp(free, 0, total));
    }

    private DeviceMemoryInfo ReadGc()
    {
        GCMemoryInfo info = GC.GetGCMemoryInfo();
        if (info.Index == 0)
        {
            // The memory load is measured by a collection; before the first one there is no figure yet.
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            info = GC.GetGCMemoryInfo();
        }

        long total = info.TotalAvailableMemoryBytes;
        Source = "GC memory info";
        return new DeviceMemoryInfo(total, Math.Clamp(total - info.MemoryLoadBytes, 0, total));
    }
}
