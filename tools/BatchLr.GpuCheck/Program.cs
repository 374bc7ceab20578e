using System;
using System.Globalization;
using BatchLr.TorchSharp;

namespace BatchLr.GpuCheck;

/// <summary>Checks BatchLr's NVML memory probe on a real NVIDIA GPU; run by <c>tools/gpu-check.sh</c>.</summary>
/// <remarks>
/// Each command prints a readable section and ends with one <c>RESULT &lt;name&gt;: PASS|FAIL|UNAVAILABLE</c> line.
/// Exit codes: 0 passed, 1 failed, 2 NVML or CUDA unavailable, 64 bad arguments.
/// </remarks>
internal static class Program
{
    public const int Passed = 0, Failed = 1, Unavailable = 2, Usage = 64;

    private const string Help = """
        BatchLr GPU check: BatchLr's NVML memory probe against a real NVIDIA GPU.

        usage: BatchLr.GpuCheck <command> [options]

        commands:
          devices   list NVML's devices, map cuda:<device> to one of them, read its memory
          compare   compare NVML's figures for cuda:<device> with PyTorch's (passed in; the script runs PyTorch)
          alloc     fit a fixed + per-sample memory model on two small trials, then allocate through the CUDA
                    driver, one simulated sample at a time, until allocation fails, and compare the two limits

        options:
          --device N             CUDA device index, as in cuda:N (default 0)
          --fixed-mib N          simulated fixed cost: model, optimizer state (default 512)
          --per-sample-mib N     simulated cost of one sample: activations (default 64)
          --trials A,B           samples in the two fitting trials (default 4,16)
          --tolerance-percent P  largest accepted gap between the predicted and the real limit (default 2)
          --torch-free BYTES, --torch-total BYTES, --torch-bus-id ID
                                 PyTorch's torch.cuda.mem_get_info(N) and the device's PCI bus id (compare)
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Help);
            return args.Length == 0 ? Usage : Passed;
        }

        if (!CheckOptions.TryParse(args.AsSpan(1), out CheckOptions? options, out string? error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(Help);
            return Usage;
        }

        return args[0] switch
        {
            "devices" => DevicesCheck.Run(options),
            "compare" => CompareCheck.Run(options),
            "alloc" => AllocationCheck.Run(options),
            _ => UnknownCommand(args[0]),
        };
    }

    /// <summary>Writes a line of the report, invariantly formatted.</summary>
    public static void Line(FormattableString text) => Console.WriteLine(text.ToString(CultureInfo.InvariantCulture));

    /// <summary>Writes the section's closing line and returns its exit code.</summary>
    public static int Result(string check, int code, string? why = null)
    {
        string verdict = code switch { Passed => "PASS", Failed => "FAIL", _ => "UNAVAILABLE" };
        Console.WriteLine(why is null ? $"RESULT {check}: {verdict}" : $"RESULT {check}: {verdict} ({why})");
        return code;
    }

    /// <summary>Writes a byte count as mebibytes and gibibytes.</summary>
    public static string Bytes(double bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / (1 << 20):F1} MiB ({bytes / (1 << 30):F2} GiB)");

    private static int UnknownCommand(string command)
    {
        Console.Error.WriteLine($"Unknown command '{command}'.");
        Console.Error.WriteLine(Help);
        return Usage;
    }
}
