using System;

namespace BatchLr.Memory;

/// <summary>Reads the memory of one device: its total and free bytes now, and the most bytes in use since a reset.</summary>
/// <remarks>
/// <para>
/// Backends (NVML or the CUDA allocator for a GPU, the operating system for the CPU) live in the adapter; Core only reads
/// through this interface. Every number counts the same way: bytes in use are <c>TotalBytes - FreeBytes</c> of
/// <see cref="Read"/>, everything on the device, this process's tensors, caches and other processes alike. So right after
/// <see cref="ResetPeak"/>, <see cref="ReadPeak"/> is at least <c>Read().UsedBytes</c>, and it never decreases until the
/// next reset.
/// </para>
/// <para>
/// <see cref="MicroBatchSelector"/> calls <see cref="Read"/> once before the first trial, to learn the memory in use and
/// free, then <see cref="ResetPeak"/> before and <see cref="ReadPeak"/> after every trial whose outcome carries no peak of
/// its own. An implementation need not be thread-safe: the selector calls it from the thread that called
/// <see cref="MicroBatchSelector.Select"/>.
/// </para>
/// <para>
/// A probe may hold a native resource (an NVML probe keeps NVML initialized while it lives): dispose it when done. The
/// selector does not dispose the probe it is given.
/// </para>
/// </remarks>
public interface IDeviceMemory : IDisposable
{
    /// <summary>Gets a value indicating whether this probe can read its device (the driver or library it needs is present and the device exists).</summary>
    /// <value>When <see langword="false"/>, <see cref="Read"/> throws and <see cref="ReadPeak"/> returns <see langword="null"/>; the selector then works without memory readings.</value>
    bool IsAvailable { get; }

    /// <summary>Gets why the probe cannot read its device, in one sentence for a log.</summary>
    /// <value><see langword="null"/> while <see cref="IsAvailable"/> is <see langword="true"/>.</value>
    string? UnavailableReason { get; }

    /// <summary>Reads the device's total and free memory now.</summary>
    /// <returns>The total and free bytes; <c>FreeBytes</c> is what a new allocation could still take.</returns>
    /// <exception cref="InvalidOperationException">The probe is not available (<see cref="IsAvailable"/> is <see langword="false"/>).</exception>
    DeviceMemoryInfo Read();

    /// <summary>Starts a new peak window: from now on, <see cref="ReadPeak"/> reports the most bytes in use since this call.</summary>
    /// <remarks>Does nothing on a backend that cannot track peaks, or when the probe is not available.</remarks>
    void ResetPeak();

    /// <summary>Reads the most bytes in use on the device at any moment since the last <see cref="ResetPeak"/> (or since the probe was created).</summary>
    /// <returns>The peak of <c>TotalBytes - FreeBytes</c>, or <see langword="null"/> when the backend cannot tell (it cannot track peaks, or the probe is not available).</returns>
    long? ReadPeak();
}
