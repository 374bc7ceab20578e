using System;
using System.Reflection;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp.Tests.Memory;

// The runtime's reserved exception types are constructed on purpose: TorchSharp throws ExternalException itself.
#pragma warning disable CA2201

public class OutOfMemoryTests
{
    // 2^60 float32 elements are 2^62 bytes: beyond any 64-bit address space (47 or 57 bits), so the allocation fails
    // at once, whatever the machine's memory or overcommit policy, and LibTorch reports it instead of the kernel killing us.
    private const long AbsurdElementCount = 1L << 60;

    [Fact]
    public void IsCauseOf_TorchCpuAllocationTooLarge_IsTrue()
    {
        Exception thrown = Catch(() => empty(AbsurdElementCount).Dispose());

        thrown.Should().BeOfType<ExternalException>("TorchSharp 0.107 surfaces LibTorch errors through CheckForErrors");
        thrown.Message.Should().Contain("DefaultCPUAllocator");
        OutOfMemory.IsCauseOf(thrown).Should().BeTrue();
    }

    [Fact]
    public void IsCauseOf_TorchCpuAllocationTooLargeInAnOperation_IsTrue()
    {
        using var small = ones(1);
        Exception thrown = Catch(() => small.expand(AbsurdElementCount).contiguous().Dispose());

        OutOfMemory.IsCauseOf(thrown).Should().BeTrue(thrown.Message);
    }

    [Fact]
    public void IsCauseOf_TorchSizeOverflow_IsFalse()
    {
        // The byte count overflows int64 before any allocation is tried: an argument error, not an out-of-memory.
        Exception thrown = Catch(() => empty(1L << 62).Dispose());

        thrown.Should().BeOfType<ExternalException>();
        thrown.Message.Should().Contain("overflow");
        OutOfMemory.IsCauseOf(thrown).Should().BeFalse();
    }

    [Fact]
    public void IsCauseOf_TorchShapeMismatch_IsFalse()
    {
        using var a = ones(2, 3);
        using var b = ones(2, 3);
        // mm, not matmul: TorchSharp 0.107's native matmul does not catch LibTorch errors, and one ends the process.
        Exception thrown = Catch(() => a.mm(b).Dispose());

        thrown.Should().BeOfType<ExternalException>();
        OutOfMemory.IsCauseOf(thrown).Should().BeFalse();
    }

    [Theory]
    [InlineData("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.06 GiB is free. Including non-PyTorch memory, this process has 78.08 GiB memory in use. Of the allocated memory 76.90 GiB is allocated by PyTorch, and 521.36 MiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)")]
    [InlineData("CUDA out of memory. Tried to allocate 36.00 MiB (GPU 0; 7.93 GiB total capacity; 130.35 MiB already allocated; 47.06 MiB free; 188.00 MiB reserved in total by PyTorch)")]
    [InlineData("CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.")]
    [InlineData("CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`")]
    [InlineData("cuDNN error: CUDNN_STATUS_ALLOC_FAILED")]
    [InlineData("cusolver error: CUSOLVER_STATUS_ALLOC_FAILED, when calling `cusolverDnCreate(handle)`")]
    [InlineData("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not enough memory: you tried to allocate 1073741824 bytes.")]
    [InlineData("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 4611686018427387904 bytes. Error code 12 (Cannot allocate memory)")]
    [InlineData("MPS backend out of memory (MPS allocated: 17.00 GB, other allocations: 1.20 GB, max allowed: 18.13 GB).")]
    [InlineData("std::bad_alloc")]
    public void IsCauseOf_LibTorchOutOfMemoryMessage_IsTrue(string message)
    {
        OutOfMemory.IsCauseOf(new ExternalException(message)).Should().BeTrue();
    }

    [Theory]
    [InlineData("CUDA error: an illegal memory access was encountered")]
    [InlineData("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)")]
    [InlineData("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!")]
    [InlineData("")]
    public void IsCauseOf_OtherLibTorchMessage_IsFalse(string message)
    {
        OutOfMemory.IsCauseOf(new ExternalException(message)).Should().BeFalse();
    }

    [Fact]
    public void IsCauseOf_SignatureOnlyInTheStackTrace_IsFalse()
    {
        const string Message = "index 5 is out of bounds for dimension 0 with size 3\nException raised from operator() at /pytorch/c10/cuda/CUDACachingAllocator.cpp:1 (most recent call first):\nframe #0: c10::OutOfMemoryError::OutOfMemoryError()";

        OutOfMemory.IsCauseOf(new ExternalException(Message)).Should().BeFalse();
    }

    [Fact]
    public void IsCauseOf_ManagedOutOfMemory_IsTrue()
    {
        OutOfMemory.IsCauseOf(new OutOfMemoryException()).Should().BeTrue();
        OutOfMemory.IsCauseOf(new InsufficientMemoryException()).Should().BeTrue();
    }

    [Fact]
    public void IsCauseOf_OutOfMemoryWrapped_IsTrue()
    {
        var cuda = new ExternalException("CUDA out of memory. Tried to allocate 20.00 MiB");

        OutOfMemory.IsCauseOf(new InvalidOperationException("step failed", cuda)).Should().BeTrue();
        OutOfMemory.IsCauseOf(new TargetInvocationException(new InvalidOperationException("outer", cuda))).Should().BeTrue();
        OutOfMemory.IsCauseOf(new AggregateException(new ArgumentException("other"), cuda)).Should().BeTrue();
    }

    [Fact]
    public void IsCauseOf_OutOfMemoryWordsInAnotherExceptionType_IsFalse()
    {
        OutOfMemory.IsCauseOf(new InvalidOperationException("CUDA out of memory")).Should().BeFalse();
        OutOfMemory.IsCauseOf(new AggregateException(new ArgumentException("not enough memory"))).Should().BeFalse();
    }

    [Fact]
    public void IsCauseOf_Null_Throws()
    {
        Action act = () => OutOfMemory.IsCauseOf(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("exception");
    }

    private static Exception Catch(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("The action was expected to throw.");
    }
}
