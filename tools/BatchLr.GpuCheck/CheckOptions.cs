using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BatchLr.GpuCheck;

/// <summary>The command line's options.</summary>
internal sealed class CheckOptions
{
    public int Device { get; private set; }

    public long FixedBytes { get; private set; } = 512L << 20;

    public long PerSampleBytes { get; private set; } = 64L << 20;

    public int TrialA { get; private set; } = 4;

    public int TrialB { get; private set; } = 16;

    public double TolerancePercent { get; private set; } = 2;

    public long? TorchFree { get; private set; }

    public long? TorchTotal { get; private set; }

    public string? TorchBusId { get; private set; }

    public static bool TryParse(ReadOnlySpan<string> args, [NotNullWhen(true)] out CheckOptions? options, [NotNullWhen(false)] out string? error)
    {
        var o = new CheckOptions();
        options = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"'{name}' needs a value.";
                return false;
            }

            string value = args[++i];
            bool ok = name switch
            {
                "--device" => TryInt(value, 0, out int device) && Set(() => o.Device = device),
                "--fixed-mib" => TryInt(value, 0, out int fixedMib) && Set(() => o.FixedBytes = (long)fixedMib << 20),
                "--per-sample-mib" => TryInt(value, 1, out int sampleMib) && Set(() => o.PerSampleBytes = (long)sampleMib << 20),
                "--trials" => TryTrials(value, o),
                "--tolerance-percent" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p >= 0 && Set(() => o.TolerancePercent = p),
                "--torch-free" => TryLong(value, out long free) && Set(() => o.TorchFree = free),
                "--torch-total" => TryLong(value, out long total) && Set(() => o.TorchTotal = total),
                "--torch-bus-id" => Set(() => o.TorchBusId = value),
                _ => false,
            };
            if (!ok)
            {
                error = $"'{name} {value}' is not a known option with a valid value.";
                return false;
            }
        }

        options = o;
        error = null;
        return true;
    }

    private static bool Set(Action set)
    {
        set();
        return true;
    }

    private static bool TryInt(string text, int minimum, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= minimum;

    private static bool TryLong(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static bool TryTrials(string text, CheckOptions o)
    {
        string[] parts = text.Split(',');
        if (parts.Length == 2 && TryInt(parts[0], 1, out int a) && TryInt(parts[1], 1, out int b) && a < b)
        {
            (o.TrialA, o.TrialB) = (a, b);
            return true;
        }

        return false;
    }
}
