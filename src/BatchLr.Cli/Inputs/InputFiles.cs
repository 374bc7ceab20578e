using System;
using System.Globalization;
using System.IO;

namespace BatchLr.Cli.Inputs;

/// <summary>Reads the files a command names: the JSON spec and the metrics file.</summary>
internal static class InputFiles
{
    /// <summary>Reads and parses a spec file.</summary>
    /// <exception cref="UsageException">The file cannot be read.</exception>
    /// <exception cref="ScheduleSpecException">The spec is invalid.</exception>
    public static ScheduleSpec ReadSpec(string path) => ScheduleSpec.Parse(Read(path, "spec"));

    /// <summary>Reads a metrics file: one finite number per line, trailing blank lines ignored.</summary>
    /// <exception cref="UsageException">The file cannot be read, or a line is not a finite number.</exception>
    public static double[] ReadMetrics(string path)
    {
        string[] lines = Read(path, "metrics").Split('\n');
        int count = lines.Length;
        while (count > 0 && lines[count - 1].Trim().Length == 0)
        {
            count--;
        }

        var metrics = new double[count];
        for (int i = 0; i < count; i++)
        {
            string line = lines[i].Trim();
            if (!double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"metrics file '{path}', line {i + 1}: '{line}' is not a finite number."));
            }

            metrics[i] = value;
        }

        return metrics;
    }

    private static string Read(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException("cannot read the " + what + " file '" + path + "': " + e.Message);
        }
    }
}
