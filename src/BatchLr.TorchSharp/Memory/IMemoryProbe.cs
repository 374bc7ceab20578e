using System;

namespace BatchLr.TorchSharp;

/// <summary>Reads how much memory a device has and has free, and the peak a trial used.</summary>
/// <remarks>
/// <para>
/// The adapter's stand-in for Core's <c>BatchLr.Memory.IDeviceMemory</c>, of the same shape, until that interface reaches
/// this branch: switching is renaming this type to it (and <see cref="DeviceMemoryInfo"/> to Core's). Two members go
/// beyond the shape Core was given, because the backends need them: <see cref="UnavailableReason"/>, and
/// <see cref="IDisposable"/> (NVML is initialized while a probe lives and shut down when it is disposed).
/// </para>
/// <para>
/// A probe that cannot read its device says so through <see cref="IsAvailable"/> and <see cref="UnavailableReason"/>;
/// creating one never throws for a missing library, device or permission.
/// </para>
/// </remarks>
internal interface IMemoryProbe : IDisposable
{
    /// <summary>Gets whether <see cref="Read"/> can read the device's memory.</summary>
    /// <value><see langword="false"/> once a read has failed, or after the probe is disposed; it does not become true again.</value>
    bool IsAvailable { get; }

    /// <summary>Gets why the probe cannot read the device, in one sentence for a log.</summary>
    /// <value><see langword="null"/> while <see cref="IsAvailable"/> is <see langword="true"/>.</value>
    string? UnavailableReason { get; }

    /// <summary>Reads the device's total and free memory now.</summary>
    /// <returns>The total and the free bytes; the free bytes never exceed the total.</returns>
    /// <exception cref="InvalidOperationException">The probe is unavailable, or the read failed (the probe is unavailable from then on); the message gives the reason.</exception>
    /// <exception cref="ObjectDisposedException">The probe was disposed.</exception>
    DeviceMemoryInfo Read();

    /// <summary>Starts a new peak measurement: <see cref="ReadPeak"/> reports the highest use from now on.</summary>
    void ResetPeak();

    /// <summary>Reads the highest memory use since the last <see cref="ResetPeak"/>.</summary>
    /// <returns>The peak in bytes, or <see langword="null"/> where the backend has no peak or the last reset could not be made.</returns>
    long? ReadPeak();
}
