using System;
using System.Collections.Generic;
using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

/// <summary>
/// A deterministic device for micro-batch selection: a capacity, memory already in use (the model), and a step that needs
/// <c>FixedBytes + BytesPerSample · b + noise(b) + Extra(b)</c> more, where <c>noise(b)</c> is fragmentation drawn once per
/// size from a seeded SplitMix64 stream, uniform in <c>[0, NoiseBytes]</c>. A trial runs out of memory when the peak would
/// pass the capacity; otherwise it reports its peak (from the trial itself or through <see cref="IDeviceMemory"/>) and,
/// with a timing curve, its seconds per step.
/// </summary>
/// <remarks>Also compiled into the benchmarks (linked), so it depends on BatchLr alone.</remarks>
internal sealed class SimulatedDevice : IDeviceMemory
{
    private readonly List<MicroBatchTrialArguments> _trials = [];
    private long _peak;

    public SimulatedDevice(long capacityBytes, long residentBytes, long fixedBytes, long bytesPerSample, long noiseBytes = 0, ulong seed = 0)
    {
        CapacityBytes = capacityBytes;
        ResidentBytes = residentBytes;
        FixedBytes = fixedBytes;
        BytesPerSample = bytesPerSample;
        NoiseBytes = noiseBytes;
        Seed = seed;
        _peak = residentBytes;
    }

    public long CapacityBytes { get; }

    public long ResidentBytes { get; }

    public long FixedBytes { get; }

    public long BytesPerSample { get; }

    public long NoiseBytes { get; }

    public ulong Seed { get; }

    /// <summary>Gets or sets extra bytes a step needs at a size beyond the line and noise, such as a jump.</summary>
    public Func<int, long>? Extra { get; init; }

    /// <summary>Gets or sets seconds per step at a size; <see langword="null"/> for untimed trials.</summary>
    public Func<int, double>? SecondsPerStep { get; init; }

    /// <summary>Gets or sets whether the trial reports its own peak (as a CUDA allocator could) instead of leaving it to the probe.</summary>
    public bool TrialReportsPeak { get; init; }

    /// <summary>Gets or sets whether the probe can track peaks.</summary>
    public bool ProbeTracksPeak { get; init; } = true;

    /// <summary>Gets or sets whether the probe is available.</summary>
    public bool IsAvailable { get; init; } = true;

    public void Dispose()
    {
        // Nothing to release: the simulated device holds no native resource.
    }

    public string? UnavailableReason => IsAvailable ? null : "the simulated device reports no memory";

    public IReadOnlyList<MicroBatchTrialArguments> TrialLog => _trials;

    public int TrialCount => _trials.Count;

    /// <summary>Gets the simulated seconds the trials took: steps times seconds per step, and one step for a trial that ran out of memory.</summary>
    public double DeviceSeconds { get; private set; }

    /// <summary>The bytes a step at micro-batch <paramref name="b"/> needs beyond the resident memory.</summary>
    public long RequiredBytes(int b) => FixedBytes + (BytesPerSample * b) + Noise(b) + (Extra?.Invoke(b) ?? 0);

    /// <summary>The most bytes in use during a step at <paramref name="b"/>.</summary>
    public long PeakBytes(int b) => ResidentBytes + RequiredBytes(b);

    /// <summary>The in-use limit the selector derives from a headroom: <c>used + floor(free · (1 - headroom))</c>.</summary>
    public long LimitBytes(double headroom) => ResidentBytes + (long)Math.Floor((CapacityBytes - ResidentBytes) * (1 - headroom));

    /// <summary>The largest multiple of <paramref name="multiple"/> from <paramref name="min"/> to <paramref name="max"/> whose peak stays under <paramref name="limitBytes"/>, below the first that does not; 0 when none.</summary>
    public int TrueMaximum(int min, int max, int multiple, long limitBytes)
    {
        int best = 0;
        for (int b = (min + multiple - 1) / multiple * multiple; b <= max; b += multiple)
        {
            if (PeakBytes(b) > limitBytes)
            {
                break;
            }

            best = b;
        }

        return best;
    }

    public MicroBatchTrial Trial(MicroBatchTrialArguments arguments)
    {
        _trials.Add(arguments);
        int b = arguments.MicroBatchSize;
        long peak = PeakBytes(b);
        if (peak > CapacityBytes)
        {
            DeviceSeconds += SecondsPerStep?.Invoke(b) ?? 0; // the first step fails, at about a step's cost
            return MicroBatchTrial.OutOfMemory;
        }

        _peak = Math.Max(_peak, peak);
        double? seconds = SecondsPerStep?.Invoke(b);
        DeviceSeconds += arguments.Steps * (seconds ?? 0);
        return MicroBatchTrial.Fits(TrialReportsPeak ? peak : null, arguments.MeasureTime ? seconds : null);
    }

    public DeviceMemoryInfo Read() => IsAvailable
        ? new DeviceMemoryInfo(CapacityBytes, CapacityBytes - ResidentBytes)
        : throw new InvalidOperationException("The simulated device is not available.");

    public void ResetPeak() => _peak = ResidentBytes;

    public long? ReadPeak() => IsAvailable && ProbeTracksPeak ? _peak : null;

    private long Noise(int b)
    {
        if (NoiseBytes == 0)
        {
            return 0;
        }

        // SplitMix64 of (seed, size): the same noise for a size on every run and every call.
        ulong z = Seed + ((ulong)b * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (long)(z % (ulong)(NoiseBytes + 1));
    }
}
