using System;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Memory;

/// <summary>Holds one reading of a device's memory: its total and free bytes.</summary>
/// <remarks>Bytes in use are <c>TotalBytes - FreeBytes</c>, the accounting every <see cref="IDeviceMemory"/> number shares.</remarks>
public readonly struct DeviceMemoryInfo : IEquatable<DeviceMemoryInfo>
{
    /// <summary>Initializes a new instance of the <see cref="DeviceMemoryInfo"/> struct.</summary>
    /// <param name="totalBytes">The device's memory; 0 or more.</param>
    /// <param name="freeBytes">The memory a new allocation could still take; from 0 to <paramref name="totalBytes"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public DeviceMemoryInfo(long totalBytes, long freeBytes)
    {
        Guard.NotNegative(totalBytes);
        if (freeBytes < 0 || freeBytes > totalBytes)
        {
            throw Guard.OutOfRange(nameof(freeBytes), freeBytes, "from 0 to totalBytes, " + totalBytes.ToString(CultureInfo.InvariantCulture));
        }

        TotalBytes = totalBytes;
        FreeBytes = freeBytes;
    }

    /// <summary>Gets the device's memory, in bytes.</summary>
    public long TotalBytes { get; }

    /// <summary>Gets the memory a new allocation could still take, in bytes.</summary>
    public long FreeBytes { get; }

    /// <summary>Gets the memory in use, by anything on the device: <c>TotalBytes - FreeBytes</c>.</summary>
    public long UsedBytes => TotalBytes - FreeBytes;

    /// <summary>Determines whether two readings are equal.</summary>
    /// <param name="left">The first reading.</param>
    /// <param name="right">The second reading.</param>
    /// <returns><see langword="true"/> when both counts agree.</returns>
    public static bool operator ==(DeviceMemoryInfo left, DeviceMemoryInfo right) => left.Equals(right);

    /// <summary>Determines whether two readings differ.</summary>
    /// <param name="left">The first reading.</param>
    /// <param name="right">The second reading.</param>
    /// <returns><see langword="true"/> when either count differs.</returns>
    public static bool operator !=(DeviceMemoryInfo left, DeviceMemoryInfo right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(DeviceMemoryInfo other) => TotalBytes == other.TotalBytes && FreeBytes == other.FreeBytes;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DeviceMemoryInfo other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TotalBytes, FreeBytes);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{FreeBytes} of {TotalBytes} bytes free");
}
