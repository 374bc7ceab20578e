using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace BatchLr.Samples.Tests;

/// <summary>Runs a sample the way a user does, <c>dotnet Sample.dll args</c>, from the test's output folder, where the sample references put it.</summary>
internal static class SampleProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string sample, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, sample + ".dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{sample} did not finish in 3 minutes.");
        }

        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>A new empty folder under the system's temporary folder.</summary>
    public static string TemporaryFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "batchlr-samples-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Whether the file starts with the PNG signature.</summary>
    public static bool IsPng(string path)
    {
        byte[] head = new byte[8];
        using FileStream file = File.OpenRead(path);
        return file.Read(head, 0, 8) == 8 && head.AsSpan().SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
    }
}
