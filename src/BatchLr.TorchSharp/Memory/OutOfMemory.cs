using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace BatchLr.TorchSharp;

/// <summary>Recognizes an out-of-memory in the exceptions TorchSharp and .NET throw, so a loop can retry with a smaller micro-batch.</summary>
public static class OutOfMemory
{
    // Searched case-insensitively in the first part of a LibTorch message (before its "Exception raised from" trace).
    private static readonly string[] Signatures =
    [
        "out of memory",                // "CUDA out of memory. Tried to allocate ...", "CUDA error: out of memory", "MPS backend out of memory", "XPU out of memory"
        "out_of_memory",                // CUDA_ERROR_OUT_OF_MEMORY from the driver API
        "outofmemory",                  // hipErrorOutOfMemory; c10::OutOfMemoryError's name
        "can't allocate memory",        // DefaultCPUAllocator on Linux and macOS: "can't allocate memory: you tried to allocate N bytes"
        "not enough memory",            // DefaultCPUAllocator on Windows: "not enough memory: you tried to allocate N bytes"
        "_alloc_failed",                // CUBLAS_STATUS_ALLOC_FAILED, CUSPARSE_..., CUSOLVER_..., CUDNN_STATUS_ALLOC_FAILED, CUFFT_ALLOC_FAILED
        "cudaErrorMemoryAllocation",
        "bad_alloc",
    ];

    private const string TraceStart = "Exception raised from";
    private const int MaxExceptions = 64;

    /// <summary>Returns whether an exception, or one it wraps, reports that memory ran out.</summary>
    /// <param name="exception">The exception caught, for example around a training step.</param>
    /// <returns>
    /// <see langword="true"/> when <paramref name="exception"/>, an inner exception, or one of an <see cref="AggregateException"/>'s
    /// inner exceptions is an <see cref="OutOfMemoryException"/>, or an <see cref="ExternalException"/> whose message reports
    /// an allocation failure; otherwise <see langword="false"/>.
    /// </returns>
    /// <remarks>
    /// <para>
    /// TorchSharp 0.107 turns every LibTorch error into an <see cref="ExternalException"/> carrying LibTorch's message
    /// (<c>torch.CheckForErrors</c>), so an out-of-memory is told apart from other errors by its message. Recognized, case-insensitively,
    /// in the message before LibTorch's <c>Exception raised from</c> trace: <c>out of memory</c> (LibTorch's CUDA caching allocator,
    /// <c>CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of ...</c>; the CUDA runtime's
    /// <c>CUDA error: out of memory</c>; MPS and XPU), <c>CUDA_ERROR_OUT_OF_MEMORY</c>, <c>OutOfMemory</c>, the CPU allocator's
    /// <c>DefaultCPUAllocator: can't allocate memory</c> (Linux, macOS) and <c>not enough memory</c> (Windows), the CUDA
    /// libraries' <c>..._ALLOC_FAILED</c> statuses (<c>CUBLAS_STATUS_ALLOC_FAILED</c>, <c>CUDNN_STATUS_ALLOC_FAILED</c>, ...),
    /// <c>cudaErrorMemoryAllocation</c> and <c>std::bad_alloc</c>.
    /// </para>
    /// <para>
    /// Other exception types are not read for these words, so an application's own message that happens to contain them is not
    /// taken for an allocation failure. To have an application's own failure recognized, throw it as (or wrap it in) an
    /// <see cref="InsufficientMemoryException"/>, the <see cref="OutOfMemoryException"/> an application may throw.
    /// </para>
    /// <para>
    /// Some out-of-memory conditions never reach .NET as an exception: on Linux the kernel's OOM killer, or a container's
    /// memory limit, ends the process with SIGKILL when memory that was promised (overcommitted) is touched, and a
    /// <c>std::bad_alloc</c> ends the process, as does any LibTorch error in the few native entry points of TorchSharp 0.107
    /// that do not catch errors: <c>Tensor.matmul</c> (<c>mm</c>, <c>bmm</c> and <c>nn.functional.linear</c> do), <c>cummax</c>,
    /// <c>cummin</c>, <c>torch.autograd.grad</c>, and a native module's <c>to(device)</c>. On the CPU, stay below
    /// the free memory a probe reports instead of searching for the limit by failing. After a CUDA out-of-memory, LibTorch's
    /// caching allocator keeps the blocks it has reserved for this process (TorchSharp 0.107 has no <c>empty_cache</c>): they
    /// count as used for NVML, and later tensors of this process reuse them.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public static bool IsCauseOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        var pending = new Stack<Exception>();
        pending.Push(exception);
        for (int seen = 0; pending.Count > 0 && seen < MaxExceptions; seen++)
        {
            Exception current = pending.Pop();
            if (current is OutOfMemoryException || (current is ExternalException && HasSignature(current.Message)))
            {
                return true;
            }

            if (current is AggregateException aggregate)
            {
                foreach (Exception inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }

        return false;
    }

    private static bool HasSignature(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return false;
        }

        int traceAt = message.IndexOf(TraceStart, StringComparison.Ordinal);
        ReadOnlySpan<char> head = traceAt >= 0 ? message.AsSpan(0, traceAt) : message.AsSpan();
        foreach (string signature in Signatures)
        {
            if (head.Contains(signature, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
