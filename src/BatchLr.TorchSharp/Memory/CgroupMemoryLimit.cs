namespace BatchLr.TorchSharp;

/// <summary>The memory limit of a process's cgroup, and what is left under it.</summary>
/// <param name="Version">The cgroup version, 1 or 2.</param>
/// <param name="LimitBytes">The tightest limit of the cgroup and its ancestors.</param>
/// <param name="LeftBytes">The least memory left under any of those limits.</param>
/// <param name="Directory">The cgroup directory whose limit leaves the least.</param>
internal readonly record struct CgroupMemoryLimit(int Version, long LimitBytes, long LeftBytes, string Directory);
