using BatchLr.Memory;
using System;
using System.IO;

namespace BatchLr.TorchSharp.Tests.Memory;

public class CpuMemoryProbeTests
{
    private const long KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

    [Fact]
    public void Read_ThisSystem_GivesPlausibleFigures()
    {
        using IDeviceMemory probe = CpuMemory.ForProcess();

        probe.IsAvailable.Should().BeTrue(probe.UnavailableReason);
        DeviceMemoryInfo info = probe.Read();

        info.TotalBytes.Should().BeGreaterThan(256 * MiB).And.BeLessThan(1L << 50);
        info.FreeBytes.Should().BePositive().And.BeLessThanOrEqualTo(info.TotalBytes);
        ((CpuMemoryProbe)probe).Source.Should().NotBeNull();
    }

    [Fact]
    public void Read_GcFallback_GivesPlausibleFigures()
    {
        using var probe = new CpuMemoryProbe(LinuxMemoryFiles.SystemRoot, linux: false);

        probe.IsAvailable.Should().BeTrue();
        DeviceMemoryInfo info = probe.Read();

        info.TotalBytes.Should().BeGreaterThan(256 * MiB);
        info.FreeBytes.Should().BePositive().And.BeLessThan(info.TotalBytes, "the system's memory load is never zero");
        probe.Source.Should().Be("GC memory info");
        probe.ReadPeak().Should().BeNull("the fallback has no peak");
    }

    [Fact]
    public void Read_CgroupV2WithoutLimit_GivesTheSystemsFigures()
    {
        using var probe = new CpuMemoryProbe(Fixture("cgroup-v2-max"), linux: true);

        probe.Read().Should().Be(new DeviceMemoryInfo(16 * GiB, 8 * GiB));
        probe.Source.Should().Be("/proc/meminfo");
    }

    [Fact]
    public void Read_CgroupV2Limits_TakesTheTightestLimitAndTheLeastLeftOverTheAncestors()
    {
        string root = Fixture("cgroup-v2-limit");
        using var probe = new CpuMemoryProbe(root, linux: true);

        // trainer.service: limit 4 GiB, 1 GiB used of which 256 MiB inactive page cache, so 3.25 GiB left;
        // system.slice: limit 6 GiB, 5.75 GiB used, so 256 MiB left.
        probe.Read().Should().Be(new DeviceMemoryInfo(4 * GiB, 256 * MiB));
        probe.Source.Should().Be($"cgroup v2 limit at {Path.Join(root, "sys/fs/cgroup/system.slice")}");
    }

    [Fact]
    public void Read_CgroupV2InContainerNamespace_ReadsTheMountPoint()
    {
        using var probe = new CpuMemoryProbe(Fixture("cgroup-v2-container"), linux: true);

        probe.Read().Should().Be(new DeviceMemoryInfo(2 * GiB, 1536 * MiB));
    }

    [Theory]
    [InlineData("0::/../../../proc/self\n")]                   // a nested namespace shows a path outside the mount; this one exists
    [InlineData("0::/gone.scope\n")]                           // a cgroup directory that does not exist
    public void Read_CgroupPathNotUnderTheMount_ReadsTheMountPoint(string cgroup)
    {
        string root = CopyOf("cgroup-v2-container");
        try
        {
            File.WriteAllText(Path.Join(root, "proc/self/cgroup"), cgroup);
            using var probe = new CpuMemoryProbe(root, linux: true);

            probe.Read().Should().Be(new DeviceMemoryInfo(2 * GiB, 1536 * MiB));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Read_CgroupV1InContainer_SubtractsTheInactivePageCacheFromUsage()
    {
        using var probe = new CpuMemoryProbe(Fixture("cgroup-v1"), linux: true);

        // limit 2 GiB; usage 1 GiB, total_inactive_file 512 MiB (not inactive_file, this cgroup's alone): 1.5 GiB left.
        probe.Read().Should().Be(new DeviceMemoryInfo(2 * GiB, 1536 * MiB));
        probe.Source.Should().StartWith("cgroup v1 limit at ");
    }

    [Fact]
    public void Read_CgroupV1Unlimited_GivesTheSystemsFigures()
    {
        using var probe = new CpuMemoryProbe(Fixture("cgroup-v1-unlimited"), linux: true);

        probe.Read().Should().Be(new DeviceMemoryInfo(16 * GiB, 8 * GiB));
        probe.Source.Should().Be("/proc/meminfo");
    }

    [Fact]
    public void Read_NoCgroupAndNoMemAvailable_GivesMemTotalAndMemFree()
    {
        using var probe = new CpuMemoryProbe(Fixture("no-cgroup"), linux: true);

        probe.Read().Should().Be(new DeviceMemoryInfo(8 * GiB, 1 * GiB));
    }

    [Fact]
    public void Create_NoMeminfo_IsUnavailableWithAReason()
    {
        string root = Directory.CreateTempSubdirectory("batchlr-cpu-").FullName;
        try
        {
            using var probe = new CpuMemoryProbe(root, linux: true);

            probe.IsAvailable.Should().BeFalse();
            probe.UnavailableReason.Should().Contain("meminfo");
            probe.Invoking(p => p.Read()).Should().Throw<InvalidOperationException>().WithMessage("*meminfo*");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Read_MeminfoDisappears_ThrowsAndBecomesUnavailable()
    {
        string root = CopyOf("no-cgroup");
        try
        {
            using var probe = new CpuMemoryProbe(root, linux: true);
            File.Delete(Path.Join(root, "proc/meminfo"));

            probe.Invoking(p => p.Read()).Should().Throw<InvalidOperationException>();
            probe.IsAvailable.Should().BeFalse();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ReadPeak_VmHwm_IsReadInBytes()
    {
        using var probe = new CpuMemoryProbe(Fixture("cgroup-v2-max"), linux: true);

        probe.ReadPeak().Should().Be(512 * MiB);
    }

    [Fact]
    public void ResetPeak_Allowed_WritesFiveToClearRefsAndKeepsReadingVmHwm()
    {
        string root = CopyOf("cgroup-v2-max");
        try
        {
            using var probe = new CpuMemoryProbe(root, linux: true);

            probe.ResetPeak();
            // The kernel would now set VmHWM to the current resident size; the copy does it by hand.
            File.WriteAllText(Path.Join(root, "proc/self/status"), "Name:\tdotnet\nVmHWM:\t  262144 kB\nVmRSS:\t  262144 kB\n");

            File.ReadAllText(Path.Join(root, "proc/self/clear_refs")).Should().Be("5");
            probe.ReadPeak().Should().Be(256 * MiB);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ResetPeak_Refused_MakesReadPeakNullUntilAResetSucceeds()
    {
        string root = CopyOf("cgroup-v2-max");
        string clearRefs = Path.Join(root, "proc/self/clear_refs");
        try
        {
            using var probe = new CpuMemoryProbe(root, linux: true);
            File.Delete(clearRefs);

            probe.ResetPeak();
            probe.ReadPeak().Should().BeNull("the peak would include the time before the reset");

            File.WriteAllText(clearRefs, string.Empty);
            probe.ResetPeak();
            probe.ReadPeak().Should().Be(512 * MiB);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ReadPeak_NoVmHwm_IsNull()
    {
        using var probe = new CpuMemoryProbe(Fixture("no-cgroup"), linux: true);

        probe.ReadPeak().Should().BeNull();
    }

    [Theory]
    [InlineData("0::/a b\n", "1 0 0:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:2 / /sys/fs/cgroup\\040x rw - cgroup2 cgroup2 rw\n", 2, "/sys/fs/cgroup x", "a b")]
    [InlineData("0::/job/7\n", "2 1 0:2 /job /mnt/cg rw shared:3 master:4 - cgroup2 none rw\n", 2, "/mnt/cg", "7")]
    [InlineData("3:cpu,memory:/x\n0::/y\n", "2 1 0:2 / /cg1 rw - cgroup cgroup rw,cpu,memory\n3 1 0:3 / /cg2 rw - cgroup2 cgroup2 rw\n", 1, "/cg1", "x")]
    [InlineData("3:cpu,memory:/x\n0::/y\n", "3 1 0:3 / /cg2 rw - cgroup2 cgroup2 rw\n", 2, "/cg2", "y")]
    public void TryFindMemoryCgroup_Mounts_FindTheHierarchyAndThePath(string cgroup, string mountinfo, int version, string mountPoint, string relative)
    {
        LinuxMemoryFiles.TryFindMemoryCgroup(cgroup, mountinfo, out int foundVersion, out string foundMount, out string foundRelative).Should().BeTrue();

        (foundVersion, foundMount, foundRelative).Should().Be((version, mountPoint, relative));
    }

    [Fact]
    public void TryFindMemoryCgroup_NoCgroupMount_IsFalse()
    {
        LinuxMemoryFiles.TryFindMemoryCgroup("0::/\n", "1 0 0:1 / / rw - ext4 /dev/sda1 rw\n", out _, out _, out _).Should().BeFalse();
    }

    internal static string Fixture(string name) => Path.Join(AppContext.BaseDirectory, "Memory", "Fixtures", name);

    private static string CopyOf(string name)
    {
        string source = Fixture(name);
        string target = Directory.CreateTempSubdirectory("batchlr-cpu-").FullName;
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Join(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }
}
