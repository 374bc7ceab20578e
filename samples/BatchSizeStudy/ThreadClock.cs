using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BatchSizeStudy;

/// <summary>
/// Measures the CPU time of the calling thread (Linux's <c>CLOCK_THREAD_CPUTIME_ID</c>), so a run's time does not grow with
/// whatever else the machine is doing: with LibTorch on one thread, a step's CPU time is its time on a core of its own.
/// Elsewhere it falls back to the wall clock.
/// </summary>
internal sealed partial class ThreadClock
{
    private const int ThreadCpuTimeClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private static readonly bool Available = Probe();
    private readonly Stopwatch _wall = new();
    private double _seconds;
    private double _started = double.NaN;

    /// <summary>Whether times are thread CPU times (true on Linux) or wall times.</summary>
    public static bool MeasuresCpuTime => Available;

    /// <summary>The seconds measured between every <see cref="Start"/> and the <see cref="Stop"/> after it.</summary>
    public double Seconds => Available ? _seconds : _wall.Elapsed.TotalSeconds;

    public void Start()
    {
        if (Available)
        {
            _started = Now();
        }
        else
        {
            _wall.Start();
        }
    }

    public void Stop()
    {
        if (Available)
        {
            _seconds += Now() - _started;
        }
        else
        {
            _wall.Stop();
        }
    }

    private static double Now()
    {
        _ = ClockGetTime(ThreadCpuTimeClock, out TimeSpec time);
        return time.Seconds + (time.Nanoseconds * 1e-9);
    }

    private static bool Probe()
    {
        try
        {
            return OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuTimeClock, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
