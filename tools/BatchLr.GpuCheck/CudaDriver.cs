using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace BatchLr.GpuCheck;

/// <summary>The few CUDA driver API calls the check makes (<c>libcuda.so.1</c>), through function pointers.</summary>
internal sealed unsafe class CudaDriver
{
    /// <summary>CUDA_ERROR_OUT_OF_MEMORY.</summary>
    public const int OutOfMemory = 2;

    private readonly delegate* unmanaged<uint, int> _init;
    private readonly delegate* unmanaged<int*, int> _driverGetVersion;
    private readonly delegate* unmanaged<int*, int> _deviceGetCount;
    private readonly delegate* unmanaged<int*, int, int> _deviceGet;
    private readonly delegate* unmanaged<byte*, int, int, int> _deviceGetName;
    private readonly delegate* unmanaged<byte*, int, int, int> _deviceGetPciBusId;
    private readonly delegate* unmanaged<nint*, uint, int, int> _ctxCreate;
    private readonly delegate* unmanaged<nint, int> _ctxDestroy;
    private readonly delegate* unmanaged<nint*, int, int> _primaryCtxRetain;
    private readonly delegate* unmanaged<int, int> _primaryCtxRelease;
    private readonly delegate* unmanaged<nint, int> _ctxSetCurrent;
    private readonly delegate* unmanaged<nuint*, nuint*, int> _memGetInfo;
    private readonly delegate* unmanaged<ulong*, nuint, int> _memAlloc;
    private readonly delegate* unmanaged<ulong, int> _memFree;
    private readonly delegate* unmanaged<int, byte**, int> _getErrorName;

    private CudaDriver(nint library)
    {
        _init = (delegate* unmanaged<uint, int>)Export(library, "cuInit");
        _driverGetVersion = (delegate* unmanaged<int*, int>)Export(library, "cuDriverGetVersion");
        _deviceGetCount = (delegate* unmanaged<int*, int>)Export(library, "cuDeviceGetCount");
        _deviceGet = (delegate* unmanaged<int*, int, int>)Export(library, "cuDeviceGet");
        _deviceGetName = (delegate* unmanaged<byte*, int, int, int>)Export(library, "cuDeviceGetName");
        _deviceGetPciBusId = (delegate* unmanaged<byte*, int, int, int>)Export(library, "cuDeviceGetPCIBusId");
        _ctxCreate = (delegate* unmanaged<nint*, uint, int, int>)OptionalExport(library, "cuCtxCreate_v2");
        _ctxDestroy = (delegate* unmanaged<nint, int>)OptionalExport(library, "cuCtxDestroy_v2");
        _primaryCtxRetain = (delegate* unmanaged<nint*, int, int>)Export(library, "cuDevicePrimaryCtxRetain");
        _primaryCtxRelease = (delegate* unmanaged<int, int>)Export(library, "cuDevicePrimaryCtxRelease_v2");
        _ctxSetCurrent = (delegate* unmanaged<nint, int>)Export(library, "cuCtxSetCurrent");
        _memGetInfo = (delegate* unmanaged<nuint*, nuint*, int>)Export(library, "cuMemGetInfo_v2");
        _memAlloc = (delegate* unmanaged<ulong*, nuint, int>)Export(library, "cuMemAlloc_v2");
        _memFree = (delegate* unmanaged<ulong, int>)Export(library, "cuMemFree_v2");
        _getErrorName = (delegate* unmanaged<int, byte**, int>)Export(library, "cuGetErrorName");
    }

    /// <summary>Loads the CUDA driver library, or says why it cannot.</summary>
    public static CudaDriver? TryLoad(out string? reason)
    {
        const string Name = "libcuda.so.1";
        if (!NativeLibrary.TryLoad(Name, out nint library))
        {
            reason = $"{Name} cannot be loaded: no NVIDIA driver, or a container without its 'compute' libraries.";
            return null;
        }

        try
        {
            reason = null;
            return new CudaDriver(library);
        }
        catch (EntryPointNotFoundException e)
        {
            reason = e.Message;
            return null;
        }
    }

    public int Init() => _init(0);

    public int DriverVersion(out int version)
    {
        int v = 0;
        int r = _driverGetVersion(&v);
        version = v;
        return r;
    }

    public int DeviceCount(out int count)
    {
        int c = 0;
        int r = _deviceGetCount(&c);
        count = c;
        return r;
    }

    public int Device(int ordinal, out int device)
    {
        int d = 0;
        int r = _deviceGet(&d, ordinal);
        device = d;
        return r;
    }

    public int Name(int device, out string name)
    {
        byte* buffer = stackalloc byte[256];
        int r = _deviceGetName(buffer, 256, device);
        name = r == 0 ? Text(buffer, 256) : string.Empty;
        return r;
    }

    public int PciBusId(int device, out string busId)
    {
        byte* buffer = stackalloc byte[64];
        int r = _deviceGetPciBusId(buffer, 64, device);
        busId = r == 0 ? Text(buffer, 64) : string.Empty;
        return r;
    }

    /// <summary>Makes a context current on <paramref name="device"/>: a new one (<c>cuCtxCreate_v2</c>), or the primary one where that is not exported.</summary>
    public int CreateContext(int device, out nint context, out string kind)
    {
        nint c = 0;
        int r;
        if (_ctxCreate is not null && _ctxDestroy is not null)
        {
            kind = "cuCtxCreate_v2";
            r = _ctxCreate(&c, 0, device);
        }
        else
        {
            kind = "primary context";
            r = _primaryCtxRetain(&c, device);
            if (r == 0)
            {
                r = _ctxSetCurrent(c);
            }
        }

        context = c;
        return r;
    }

    public int DestroyContext(int device, nint context) =>
        _ctxCreate is not null && _ctxDestroy is not null ? _ctxDestroy(context) : _primaryCtxRelease(device);

    public int MemGetInfo(out long free, out long total)
    {
        nuint f = 0, t = 0;
        int r = _memGetInfo(&f, &t);
        (free, total) = ((long)f, (long)t);
        return r;
    }

    public int Alloc(long bytes, out ulong pointer)
    {
        ulong p = 0;
        int r = _memAlloc(&p, (nuint)bytes);
        pointer = p;
        return r;
    }

    public int Free(ulong pointer) => _memFree(pointer);

    public string ErrorName(int result)
    {
        byte* text = null;
        string name = _getErrorName(result, &text) == 0 && text is not null ? Marshal.PtrToStringUTF8((nint)text) ?? "?" : "?";
        return string.Create(CultureInfo.InvariantCulture, $"{name} ({result})");
    }

    private static nint Export(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out nint address) ? address : throw new EntryPointNotFoundException($"libcuda.so.1 has no function {name}.");

    private static nint OptionalExport(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out nint address) ? address : 0;

    private static string Text(byte* buffer, int capacity)
    {
        var bytes = new ReadOnlySpan<byte>(buffer, capacity);
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
