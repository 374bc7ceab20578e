using BatchLr.Memory;
using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BatchLr.TorchSharp;

/// <summary>Reads one NVIDIA GPU's memory through NVML, keeping NVML initialized until it is disposed.</summary>
/// <remarks>See <see cref="CudaMemory.ForDevice(int)"/> for the figures' meaning and the device mapping.</remarks>
internal sealed class NvmlMemoryProbe : IDeviceMemory
{
    /// <summary>Chooses a device among those NVML enumerates, or says why none fits.</summary>
    internal delegate bool DeviceChooser(IReadOnlyList<NvmlDevice> devices, out NvmlDevice? device, out string? reason);

    private readonly object _gate = new();
    private readonly INvmlApi? _nvml;
    private string? _unavailable;
    private bool _initialized;
    private bool _disposed;

    private NvmlMemoryProbe(INvmlApi? nvml, IReadOnlyList<NvmlDevice>? devices, NvmlDevice? device, string? unavailable)
    {
        _nvml = nvml;
        Devices = devices ?? [];
        Device = device;
        _unavailable = unavailable;
        _initialized = nvml is not null;
    }

    /// <summary>Gets every device NVML enumerated when the probe was opened, for a log.</summary>
    /// <value>Empty when NVML could not be initialized or enumerated.</value>
    public IReadOnlyList<NvmlDevice> Devices { get; }

    /// <summary>Gets the device the probe reads.</summary>
    /// <value><see langword="null"/> when no device was found.</value>
    public NvmlDevice? Device { get; }

    /// <inheritdoc/>
    public bool IsAvailable
    {
        get
        {
            lock (_gate)
            {
                return _unavailable is null;
            }
        }
    }

    /// <inheritdoc/>
    public string? UnavailableReason
    {
        get
        {
            lock (_gate)
            {
                return _unavailable;
            }
        }
    }

    /// <summary>Loads NVML from <paramref name="libraryNames"/>, initializes it and finds the device <paramref name="choose"/> picks.</summary>
    /// <returns>An available probe, or an unavailable one with its reason; never throws for a missing library, device or failed call.</returns>
    public static NvmlMemoryProbe Open(IReadOnlyList<string> libraryNames, DeviceChooser choose)
    {
        NvmlLibrary? library = NvmlLibrary.TryLoad(libraryNames, out string? reason);
        return library is null ? new NvmlMemoryProbe(null, null, null, reason) : Open(library, choose);
    }

    /// <summary>Initializes NVML through <paramref name="nvml"/> and finds the device <paramref name="choose"/> picks.</summary>
    /// <returns>An available probe, or an unavailable one with its reason, after which NVML is shut down again.</returns>
    public static NvmlMemoryProbe Open(INvmlApi nvml, DeviceChooser choose)
    {
        int result = nvml.Init();
        if (result != 0)
        {
            return new NvmlMemoryProbe(null, null, null, $"NVML unavailable: nvmlInit_v2 failed: {nvml.ErrorString(result)}.");
        }

        if (!TryEnumerate(nvml, out List<NvmlDevice>? devices, out string? reason))
        {
            nvml.Shutdown();
            return new NvmlMemoryProbe(null, null, null, reason);
        }

        if (!choose(devices, out NvmlDevice? device, out reason) || device is null)
        {
            nvml.Shutdown();
            return new NvmlMemoryProbe(null, devices, null, "NVML device not found: " + (reason ?? "no device was chosen."));
        }

        var probe = new NvmlMemoryProbe(nvml, devices, device, null);
        probe.ReadCore(throwOnFailure: false);
        return probe;
    }

    /// <inheritdoc/>
    public DeviceMemoryInfo Read()
    {
        NvmlMemoryInfo memory = ReadCore(throwOnFailure: true);
        long total = (long)Math.Min(memory.Total, long.MaxValue);
        return new DeviceMemoryInfo(total, (long)Math.Min(memory.Free, (ulong)total));
    }

    /// <summary>Reads NVML's figures as they are, with the used bytes.</summary>
    /// <exception cref="InvalidOperationException">The probe is unavailable, or the read failed.</exception>
    /// <exception cref="ObjectDisposedException">The probe was disposed.</exception>
    public NvmlMemoryInfo ReadRaw() => ReadCore(throwOnFailure: true);

    /// <summary>Does nothing: NVML keeps no per-process peak.</summary>
    public void ResetPeak()
    {
    }

    /// <summary>Returns <see langword="null"/>: NVML keeps no per-process peak.</summary>
    public long? ReadPeak() => null;

    /// <summary>Shuts NVML down (<c>nvmlShutdown</c>), once; the probe is unavailable from then on.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _unavailable ??= "The probe was disposed.";
            if (_initialized)
            {
                _initialized = false;
                _nvml!.Shutdown();
            }
        }
    }

    private NvmlMemoryInfo ReadCore(bool throwOnFailure)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_unavailable is null)
            {
                int result = _nvml!.GetMemoryInfo(Device!.Handle, out NvmlMemoryInfo memory);
                if (result == 0)
                {
                    return memory;
                }

                _unavailable = $"NVML unavailable: nvmlDeviceGetMemoryInfo failed for {Device}: {_nvml.ErrorString(result)}.";
            }

            return throwOnFailure ? throw new InvalidOperationException(_unavailable) : default;
        }
    }

    private static bool TryEnumerate(INvmlApi nvml, [NotNullWhen(true)] out List<NvmlDevice>? devices, [NotNullWhen(false)] out string? reason)
    {
        devices = null;
        int result = nvml.GetDeviceCount(out uint count);
        if (result != 0)
        {
            reason = $"NVML unavailable: nvmlDeviceGetCount_v2 failed: {nvml.ErrorString(result)}.";
            return false;
        }

        var found = new List<NvmlDevice>((int)Math.Min(count, 64));
        for (uint i = 0; i < count; i++)
        {
            if (!TryDescribe(nvml, i, out NvmlDevice? device, out reason))
            {
                return false;
            }

            found.Add(device);
        }

        devices = found;
        reason = null;
        return true;
    }

    private static bool TryDescribe(INvmlApi nvml, uint index, [NotNullWhen(true)] out NvmlDevice? device, [NotNullWhen(false)] out string? reason)
    {
        device = null;
        int result;
        string? failed = null;
        string name = string.Empty, uuid = string.Empty, busText = string.Empty;
        if ((result = nvml.GetHandleByIndex(index, out nint handle)) != 0)
        {
            failed = "nvmlDeviceGetHandleByIndex_v2";
        }
        else if ((result = nvml.GetName(handle, out name)) != 0)
        {
            failed = "nvmlDeviceGetName";
        }
        else if ((result = nvml.GetUuid(handle, out uuid)) != 0)
        {
            failed = "nvmlDeviceGetUUID";
        }
        else if ((result = nvml.GetPciBusId(handle, out busText)) != 0)
        {
            failed = "nvmlDeviceGetPciInfo_v3";
        }

        if (failed is not null)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"NVML unavailable: {failed} failed for NVML device {index}: {nvml.ErrorString(result)}.");
            return false;
        }

        if (!PciBusId.TryParse(busText, out PciBusId busId))
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"NVML unavailable: NVML device {index} reports the PCI bus id '{busText}', which does not parse.");
            return false;
        }

        device = new NvmlDevice((int)index, name, busId, uuid, handle);
        reason = null;
        return true;
    }
}
