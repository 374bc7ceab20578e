namespace BatchLr.TorchSharp;

/// <summary>A device's total and free memory at one moment.</summary>
/// <param name="TotalBytes">The memory the process may use at most: the device's, or the CPU's within the process's limits.</param>
/// <param name="FreeBytes">The memory that can still be allocated, at most <paramref name="TotalBytes"/>.</param>
/// <remarks>The adapter's stand-in for Core's <c>BatchLr.Memory.DeviceMemoryInfo</c>, of the same shape (see <see cref="IMemoryProbe"/>).</remarks>
internal readonly record struct DeviceMemoryInfo(long TotalBytes, long FreeBytes);
