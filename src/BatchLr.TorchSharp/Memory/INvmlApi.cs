namespace BatchLr.TorchSharp;

/// <summary>The NVML calls the CUDA memory probe makes, each returning NVML's <c>nvmlReturn_t</c> (0 for success).</summary>
/// <remarks>One implementation calls the driver's library (<see cref="NvmlLibrary"/>); tests substitute their own.</remarks>
internal interface INvmlApi
{
    /// <summary><c>nvmlInit_v2</c>.</summary>
    int Init();

    /// <summary><c>nvmlShutdown</c>.</summary>
    int Shutdown();

    /// <summary><c>nvmlDeviceGetCount_v2</c>.</summary>
    int GetDeviceCount(out uint count);

    /// <summary><c>nvmlDeviceGetHandleByIndex_v2</c>.</summary>
    int GetHandleByIndex(uint index, out nint device);

    /// <summary><c>nvmlDeviceGetName</c>.</summary>
    int GetName(nint device, out string name);

    /// <summary><c>nvmlDeviceGetUUID</c>.</summary>
    int GetUuid(nint device, out string uuid);

    /// <summary>The <c>busId</c> of <c>nvmlDeviceGetPciInfo_v3</c>, such as <c>00000000:3B:00.0</c>.</summary>
    int GetPciBusId(nint device, out string busId);

    /// <summary><c>nvmlDeviceGetMemoryInfo</c>.</summary>
    int GetMemoryInfo(nint device, out NvmlMemoryInfo memory);

    /// <summary><c>nvmlErrorString</c>: NVML's words for a return code.</summary>
    string ErrorString(int result);
}
