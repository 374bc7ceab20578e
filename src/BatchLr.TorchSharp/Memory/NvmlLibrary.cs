using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace BatchLr.TorchSharp;

/// <summary>Calls the NVIDIA driver's NVML library (<c>libnvidia-ml.so.1</c>, <c>nvml.dll</c>) through function pointers.</summary>
/// <remarks>
/// The library is loaded with <see cref="NativeLibrary.TryLoad(string, out nint)"/> and each function found with
/// <see cref="NativeLibrary.TryGetExport"/>, so a missing library or an old driver is a reason, never a
/// <see cref="DllNotFoundException"/> or <see cref="EntryPointNotFoundException"/>. The library stays loaded for the process.
/// </remarks>
internal sealed unsafe class NvmlLibrary : INvmlApi
{
    // NVML_DEVICE_NAME_V2_BUFFER_SIZE, NVML_DEVICE_UUID_V2_BUFFER_SIZE.
    private const int TextBufferSize = 96;

    // nvmlPciInfo_t: char busIdLegacy[16]; unsigned int domain, bus, device, pciDeviceId, pciSubSystemId; char busId[32].
    private const int PciInfoSize = 68;
    private const int PciInfoBusIdOffset = 36;

    private readonly delegate* unmanaged<int> _init;
    private readonly delegate* unmanaged<int> _shutdown;
    private readonly delegate* unmanaged<uint*, int> _getCount;
    private readonly delegate* unmanaged<uint, nint*, int> _getHandleByIndex;
    private readonly delegate* unmanaged<nint, byte*, uint, int> _getName;
    private readonly delegate* unmanaged<nint, byte*, uint, int> _getUuid;
    private readonly delegate* unmanaged<nint, byte*, int> _getPciInfo;
    private readonly delegate* unmanaged<nint, NvmlMemoryInfo*, int> _getMemoryInfo;
    private readonly delegate* unmanaged<int, byte*> _errorString;

    private NvmlLibrary(nint[] exports)
    {
        _init = (delegate* unmanaged<int>)exports[0];
        _shutdown = (delegate* unmanaged<int>)exports[1];
        _getCount = (delegate* unmanaged<uint*, int>)exports[2];
        _getHandleByIndex = (delegate* unmanaged<uint, nint*, int>)exports[3];
        _getName = (delegate* unmanaged<nint, byte*, uint, int>)exports[4];
        _getUuid = (delegate* unmanaged<nint, byte*, uint, int>)exports[5];
        _getPciInfo = (delegate* unmanaged<nint, byte*, int>)exports[6];
        _getMemoryInfo = (delegate* unmanaged<nint, NvmlMemoryInfo*, int>)exports[7];
        _errorString = (delegate* unmanaged<int, byte*>)exports[8];
    }

    /// <summary>The functions the probe calls, in the order of the constructor's array.</summary>
    private static readonly string[] Exports =
    [
        "nvmlInit_v2",
        "nvmlShutdown",
        "nvmlDeviceGetCount_v2",
        "nvmlDeviceGetHandleByIndex_v2",
        "nvmlDeviceGetName",
        "nvmlDeviceGetUUID",
        "nvmlDeviceGetPciInfo_v3",
        "nvmlDeviceGetMemoryInfo",
        "nvmlErrorString",
    ];

    /// <summary>Gets the names the driver's NVML library has on this system, tried in order.</summary>
    /// <value>
    /// <c>libnvidia-ml.so.1</c> on Linux; <c>nvml.dll</c> (in <c>System32</c> since the DCH drivers) and the older
    /// <c>%ProgramFiles%\NVIDIA Corporation\NVSMI\nvml.dll</c> on Windows; none elsewhere.
    /// </value>
    public static IReadOnlyList<string> DefaultNames { get; } =
        OperatingSystem.IsLinux() ? ["libnvidia-ml.so.1"]
        : OperatingSystem.IsWindows() ? ["nvml.dll", Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "NVIDIA Corporation", "NVSMI", "nvml.dll")]
        : [];

    /// <summary>Loads the first of <paramref name="names"/> that loads and finds every function the probe calls.</summary>
    /// <returns>The library, or <see langword="null"/> with <paramref name="reason"/> saying why.</returns>
    public static NvmlLibrary? TryLoad(IReadOnlyList<string> names, out string? reason)
    {
        if (names.Count == 0)
        {
            reason = $"NVML is not available on {RuntimeInformation.OSDescription}: NVIDIA's driver ships it for Linux and Windows only.";
            return null;
        }

        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle))
            {
                continue;
            }

            var exports = new nint[Exports.Length];
            for (int i = 0; i < Exports.Length; i++)
            {
                if (!NativeLibrary.TryGetExport(handle, Exports[i], out exports[i]))
                {
                    NativeLibrary.Free(handle);
                    reason = $"NVML unavailable: {name} has no function {Exports[i]}; the NVIDIA driver is too old (410 or later is needed) or the library is not NVML.";
                    return null;
                }
            }

            reason = null;
            return new NvmlLibrary(exports);
        }

        reason = $"NVML unavailable: the library {string.Join(" or ", names)} could not be loaded; no NVIDIA driver is installed, or a container was started without the driver's libraries (the NVIDIA Container Toolkit's 'utility' capability).";
        return null;
    }

    /// <inheritdoc/>
    public int Init() => _init();

    /// <inheritdoc/>
    public int Shutdown() => _shutdown();

    /// <inheritdoc/>
    public int GetDeviceCount(out uint count)
    {
        uint value = 0;
        int result = _getCount(&value);
        count = value;
        return result;
    }

    /// <inheritdoc/>
    public int GetHandleByIndex(uint index, out nint device)
    {
        nint value = 0;
        int result = _getHandleByIndex(index, &value);
        device = value;
        return result;
    }

    /// <inheritdoc/>
    public int GetName(nint device, out string name)
    {
        byte* buffer = stackalloc byte[TextBufferSize];
        int result = _getName(device, buffer, TextBufferSize);
        name = result == 0 ? Text(buffer, TextBufferSize) : string.Empty;
        return result;
    }

    /// <inheritdoc/>
    public int GetUuid(nint device, out string uuid)
    {
        byte* buffer = stackalloc byte[TextBufferSize];
        int result = _getUuid(device, buffer, TextBufferSize);
        uuid = result == 0 ? Text(buffer, TextBufferSize) : string.Empty;
        return result;
    }

    /// <inheritdoc/>
    public int GetPciBusId(nint device, out string busId)
    {
        // Twice the struct's size: a later driver that grows it cannot write past the buffer.
        byte* buffer = stackalloc byte[2 * PciInfoSize];
        new Span<byte>(buffer, 2 * PciInfoSize).Clear();
        int result = _getPciInfo(device, buffer);
        busId = result == 0 ? Text(buffer + PciInfoBusIdOffset, PciInfoSize - PciInfoBusIdOffset) : string.Empty;
        return result;
    }

    /// <inheritdoc/>
    public int GetMemoryInfo(nint device, out NvmlMemoryInfo memory)
    {
        NvmlMemoryInfo value = default;
        int result = _getMemoryInfo(device, &value);
        memory = value;
        return result;
    }

    /// <inheritdoc/>
    public string ErrorString(int result)
    {
        byte* text = _errorString(result);
        string words = text is null ? "unknown error" : Marshal.PtrToStringUTF8((nint)text) ?? "unknown error";
        return string.Create(CultureInfo.InvariantCulture, $"{words} (NVML return code {result})");
    }

    private static string Text(byte* buffer, int capacity)
    {
        var bytes = new ReadOnlySpan<byte>(buffer, capacity);
        int end = bytes.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
