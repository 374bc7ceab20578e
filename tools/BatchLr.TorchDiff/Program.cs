using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace BatchLr.TorchDiff;

/// <summary>
/// Reads one request per line on standard input and answers each with one line on standard output, in order:
/// <c>{"id": "...", "spec": {...}, "steps": N, "metrics": [m0, m1, ...] or null}</c> becomes
/// <c>{"id": "...", "rc": 0, "out": "step,lr\n0,0.1\n...", "err": ""}</c>, the exit code, output and errors of
/// <c>batchlr schedule --spec FILE --steps N [--metrics FILE]</c> run in this process.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 0)
        {
            Console.Error.WriteLine("usage: BatchLr.TorchDiff < requests.jsonl > answers.jsonl (one JSON request per line; see tools/README.md)");
            return 64;
        }

        string folder = Path.Combine(Path.GetTempPath(), "batchlr-torch-diff-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        string specPath = Path.Combine(folder, "spec.json");
        string metricsPath = Path.Combine(folder, "metrics.txt");
        try
        {
            using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
            string? line;
            while ((line = Console.In.ReadLine()) is not null)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                output.WriteLine(Answer(line, specPath, metricsPath));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Answer(string line, string specPath, string metricsPath)
    {
        using JsonDocument request = JsonDocument.Parse(line);
        JsonElement root = request.RootElement;
        string id = root.GetProperty("id").GetString() ?? string.Empty;
        File.WriteAllText(specPath, root.GetProperty("spec").GetRawText());
        var arguments = new List<string>
        {
            "schedule",
            "--spec",
            specPath,
            "--steps",
            root.GetProperty("steps").GetInt32().ToString(CultureInfo.InvariantCulture),
        };
        if (root.TryGetProperty("metrics", out JsonElement metrics) && metrics.ValueKind == JsonValueKind.Array)
        {
            var text = new StringBuilder();
            foreach (JsonElement metric in metrics.EnumerateArray())
            {
                text.Append(metric.GetDouble().ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }

            File.WriteAllText(metricsPath, text.ToString());
            arguments.Add("--metrics");
            arguments.Add(metricsPath);
        }

        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code;
        try
        {
            code = Cli.CommandLine.Run([.. arguments], stdout, stderr);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Anything the command line lets through is a crash of batchlr: report it as such, with its type.
            stderr.WriteLine("batchlr crashed: " + e.GetType().FullName + ": " + e.Message);
            code = 134;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteNumber("rc", code);
            writer.WriteString("out", stdout.ToString());
            writer.WriteString("err", stderr.ToString());
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
