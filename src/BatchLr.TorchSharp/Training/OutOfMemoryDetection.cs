using System;
using System.Runtime.InteropServices;

namespace BatchLr.TorchSharp;

/// <summary>Recognises an out-of-memory among the exceptions a TorchSharp step throws.</summary>
internal static class OutOfMemoryDetection
{
    private static readonly string[] Markers =
    [
        "out of memory",
        "CUBLAS_STATUS_ALLOC_FAILED",
        "can't allocate memory",
        "not enough memory",
    ];

    public static bool IsOutOfMemory(Exception exception) => exception switch
    {
        OutOfMemoryException => true,
        ExternalException external => Array.Exists(Markers, marker => external.Message.Contains(marker, StringComparison.OrdinalIgnoreCase)),
        _ => exception.InnerException is { } inner && IsOutOfMemory(inner),
    };
}
