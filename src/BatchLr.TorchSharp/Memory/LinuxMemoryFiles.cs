using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace BatchLr.TorchSharp;

/// <summary>Reads the Linux files that tell a process's memory: <c>/proc/meminfo</c>, its cgroup's limit and use, and its peak resident size.</summary>
/// <remarks>
/// Every path is taken under a root directory, <c>/</c> on a real system, so tests run the same code on a copy of those files.
/// Nothing here allocates more than the file it reads.
/// </remarks>
internal static class LinuxMemoryFiles
{
    /// <summary>The root of a real system.</summary>
    public const string SystemRoot = "/";

    /// <summary>Reads <c>MemTotal</c> and <c>MemAvailable</c> (the kernel's estimate of what can be allocated without swapping) from <c>/proc/meminfo</c>.</summary>
    /// <returns><see langword="true"/> when both were read; <paramref name="error"/> says why not otherwise.</returns>
    public static bool TryReadMeminfo(string root, out long totalBytes, out long availableBytes, out string? error)
    {
        totalBytes = availableBytes = 0;
        string path = Under(root, "/proc/meminfo");
        string? text = TryReadText(path);
        if (text is null)
        {
            error = $"{path} cannot be read.";
            return false;
        }

        long? total = null, available = null, free = null;
        foreach (string line in text.Split('\n'))
        {
            if (TryParseKeyedKilobytes(line, "MemTotal:", out long value))
            {
                total = value;
            }
            else if (TryParseKeyedKilobytes(line, "MemAvailable:", out value))
            {
                available = value;
            }
            else if (TryParseKeyedKilobytes(line, "MemFree:", out value))
            {
                free = value;
            }
        }

        if (total is not > 0)
        {
            error = $"{path} has no MemTotal.";
            return false;
        }

        // MemAvailable exists since Linux 3.14; before it, MemFree is the cautious figure.
        totalBytes = total.Value;
        availableBytes = Math.Clamp(available ?? free ?? 0, 0, totalBytes);
        error = null;
        return true;
    }

    /// <summary>Reads the memory limit that binds the process's cgroup, and what is left under it.</summary>
    /// <returns>
    /// The tightest limit over the process's cgroup and its ancestors up to the cgroup mount (what a container sees as the
    /// root), and the least memory left under any of them; <see langword="null"/> when no cgroup sets a limit or the files
    /// cannot be read.
    /// </returns>
    /// <remarks>
    /// <para>
    /// The memory controller is looked up in <c>/proc/self/mountinfo</c>: a cgroup v1 hierarchy mounted with the <c>memory</c>
    /// controller wins (a hybrid system keeps memory there), otherwise the cgroup v2 hierarchy. The process's cgroup comes from
    /// <c>/proc/self/cgroup</c> (the line naming <c>memory</c> for v1, the <c>0::</c> line for v2), taken relative to the mount's
    /// root, as the .NET runtime does; when that directory does not exist, the mount point itself is read.
    /// </para>
    /// <para>
    /// At each level that has a limit (v2 <c>memory.max</c> other than <c>max</c>, v1 <c>memory.limit_in_bytes</c>), what is left
    /// is <c>limit − (usage − inactive_file)</c>, with usage from v2 <c>memory.current</c> or v1 <c>memory.usage_in_bytes</c> and
    /// the inactive page cache, which the kernel reclaims before it fails an allocation, from <c>memory.stat</c> (v2
    /// <c>inactive_file</c>, v1 <c>total_inactive_file</c>): the working-set rule of the .NET runtime and of Kubernetes.
    /// </para>
    /// </remarks>
    public static CgroupMemoryLimit? ReadCgroupLimit(string root)
    {
        string? cgroupText = TryReadText(Under(root, "/proc/self/cgroup"));
        string? mountText = TryReadText(Under(root, "/proc/self/mountinfo"));
        if (cgroupText is null || mountText is null)
        {
            return null;
        }

        if (!TryFindMemoryCgroup(cgroupText, mountText, out int version, out string mountPoint, out string relativePath))
        {
            return null;
        }

        // A path outside the mount ("/../x", seen from a nested cgroup namespace) or gone falls back to the mount point.
        string mountFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Under(root, mountPoint)));
        string leaf = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Join(mountFull, relativePath)));
        if (!(leaf == mountFull || leaf.StartsWith(mountFull + "/", StringComparison.Ordinal)) || !Directory.Exists(leaf))
        {
            leaf = mountFull;
        }

        (string limitFile, string usageFile, string inactiveKey) = version == 2
            ? ("memory.max", "memory.current", "inactive_file")
            : ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file");

        long? limit = null, left = null;
        string? bindingDirectory = null;
        for (string? directory = leaf;
             directory is not null && directory.StartsWith(mountFull, StringComparison.Ordinal);
             directory = Path.GetDirectoryName(directory))
        {
            if (ReadLevel(directory, limitFile, usageFile, inactiveKey) is ({ } levelLimit, { } levelLeft))
            {
                if (limit is null || levelLimit < limit)
                {
                    limit = levelLimit;
                }

                if (left is null || levelLeft < left)
                {
                    left = levelLeft;
                    bindingDirectory = directory;
                }
            }

            if (directory.Length == mountFull.Length)
            {
                break;
            }
        }

        return limit is { } l && left is { } f ? new CgroupMemoryLimit(version, l, f, bindingDirectory!) : null;
    }

    /// <summary>Reads the peak resident set size, <c>VmHWM</c> in <c>/proc/self/status</c>.</summary>
    /// <returns>The peak in bytes, or <see langword="null"/> when the file or the line is missing.</returns>
    public static long? ReadPeakResidentBytes(string root)
    {
        string? text = TryReadText(Under(root, "/proc/self/status"));
        if (text is null)
        {
            return null;
        }

        foreach (string line in text.Split('\n'))
        {
            if (TryParseKeyedKilobytes(line, "VmHWM:", out long bytes))
            {
                return bytes;
            }
        }

        return null;
    }

    /// <summary>Resets the peak resident set size to the current one, by writing <c>5</c> to <c>/proc/self/clear_refs</c> (Linux 4.0 and later).</summary>
    /// <returns><see langword="false"/> where the write is refused: the file is missing, not writable, or the kernel rejects the value.</returns>
    public static bool TryResetPeakResident(string root)
    {
        try
        {
            // Open, never create: on a real system the file always exists, and a missing one means the reset is not offered.
            using var stream = new FileStream(Under(root, "/proc/self/clear_refs"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
            stream.WriteByte((byte)'5');
            stream.Flush();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Finds the cgroup hierarchy that holds the memory controller, and the process's place in it.</summary>
    internal static bool TryFindMemoryCgroup(string cgroupText, string mountinfoText, out int version, out string mountPoint, out string relativePath)
    {
        string? v1Path = null, v2Path = null;
        foreach (string line in cgroupText.Split('\n'))
        {
            // hierarchy-ID:controller-list:cgroup-path; the path may itself contain ':'.
            int first = line.IndexOf(':', StringComparison.Ordinal);
            int second = first < 0 ? -1 : line.IndexOf(':', first + 1);
            if (second < 0)
            {
                continue;
            }

            string id = line[..first];
            string controllers = line[(first + 1)..second];
            string path = line[(second + 1)..].TrimEnd('\r');
            if (id == "0" && controllers.Length == 0)
            {
                v2Path = path;
            }
            else if (Array.IndexOf(controllers.Split(','), "memory") >= 0)
            {
                v1Path = path;
            }
        }

        (string Root, string MountPoint)? v1Mount = null, v2Mount = null;
        foreach (string line in mountinfoText.Split('\n'))
        {
            // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
            string[] fields = line.TrimEnd('\r').Split(' ');
            int separator = fields.Length > 6 ? Array.IndexOf(fields, "-", 6) : -1;
            if (separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            string fsType = fields[separator + 1];
            string superOptions = separator + 3 < fields.Length ? fields[separator + 3] : string.Empty;
            var mount = (Root: Unescape(fields[3]), MountPoint: Unescape(fields[4]));
            if (fsType == "cgroup2")
            {
                v2Mount = v2Mount is { } kept ? Better(kept, mount, v2Path) : mount;
            }
            else if (fsType == "cgroup" && Array.IndexOf(superOptions.Split(','), "memory") >= 0)
            {
                v1Mount = v1Mount is { } kept ? Better(kept, mount, v1Path) : mount;
            }
        }

        if (v1Path is not null && v1Mount is { } m1)
        {
            version = 1;
            (mountPoint, relativePath) = (m1.MountPoint, Relative(m1.Root, v1Path));
            return true;
        }

        if (v2Path is not null && v2Mount is { } m2)
        {
            version = 2;
            (mountPoint, relativePath) = (m2.MountPoint, Relative(m2.Root, v2Path));
            return true;
        }

        version = 0;
        mountPoint = relativePath = string.Empty;
        return false;
    }

    // Of two mounts of the same hierarchy, the one whose root contains the process's cgroup.
    private static (string Root, string MountPoint) Better((string Root, string MountPoint) kept, (string Root, string MountPoint) candidate, string? cgroupPath) =>
        cgroupPath is not null && !IsUnder(kept.Root, cgroupPath) && IsUnder(candidate.Root, cgroupPath) ? candidate : kept;

    private static bool IsUnder(string mountRoot, string cgroupPath) =>
        mountRoot == "/" || cgroupPath == mountRoot || cgroupPath.StartsWith(mountRoot + "/", StringComparison.Ordinal);

    private static string Relative(string mountRoot, string cgroupPath) =>
        IsUnder(mountRoot, cgroupPath) ? cgroupPath[(mountRoot == "/" ? 0 : mountRoot.Length)..].TrimStart('/') : string.Empty;

    // mountinfo writes space, tab, newline and backslash in paths as \ooo octal escapes.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var builder = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }

    private static bool IsOctal(string s, int start) =>
        start + 3 <= s.Length && s[start] is >= '0' and <= '7' && s[start + 1] is >= '0' and <= '7' && s[start + 2] is >= '0' and <= '7';

    private static (long Limit, long Left)? ReadLevel(string directory, string limitFile, string usageFile, string inactiveKey)
    {
        string? limitText = TryReadText(Path.Join(directory, limitFile))?.Trim();
        if (limitText is null || limitText == "max" || !TryParseBytes(limitText, out long limit))
        {
            return null;
        }

        string? usageText = TryReadText(Path.Join(directory, usageFile))?.Trim();
        if (usageText is null || !TryParseBytes(usageText, out long usage))
        {
            // A limit without its usage: nothing is known to be used, so the limit is what is left, at most.
            return (limit, limit);
        }

        long inactive = 0;
        if (TryReadText(Path.Join(directory, "memory.stat")) is { } stat)
        {
            foreach (string line in stat.Split('\n'))
            {
                int space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && line.AsSpan(0, space).SequenceEqual(inactiveKey) && TryParseBytes(line[(space + 1)..].Trim(), out long value))
                {
                    inactive = value;
                    break;
                }
            }
        }

        long workingSet = Math.Max(0, usage - Math.Min(inactive, usage));
        return (limit, Math.Max(0, limit - workingSet));
    }

    // cgroup files hold plain byte counts; v1's "no limit" is a page-rounded 2^63, which still fits a long.
    private static bool TryParseBytes(string text, out long bytes)
    {
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
        {
            bytes = value > long.MaxValue ? long.MaxValue : (long)value;
            return true;
        }

        bytes = 0;
        return false;
    }

    // "Key:   123 kB" → 123 × 1024 bytes.
    private static bool TryParseKeyedKilobytes(string line, string key, out long bytes)
    {
        bytes = 0;
        if (!line.StartsWith(key, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> rest = line.AsSpan(key.Length).Trim();
        int space = rest.IndexOf(' ');
        ReadOnlySpan<char> number = space < 0 ? rest : rest[..space];
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long kilobytes) || kilobytes > long.MaxValue / 1024)
        {
            return false;
        }

        bytes = kilobytes * 1024;
        return true;
    }

    private static string? TryReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>An absolute Linux path under <paramref name="root"/>.</summary>
    internal static string Under(string root, string absolutePath) =>
        root == SystemRoot ? absolutePath : Path.Join(root, absolutePath);
}
