using System;
using TorchSharp;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp;

/// <summary>
/// The order of the samples in each epoch: a seeded permutation (Fisher–Yates driven by SplitMix64, so the same seed gives the
/// same order on every platform and every run, whatever LibTorch's generator does), or the identity without shuffling.
/// The orders of the two most recent epochs are kept as index tensors, since a batch may run on into the next epoch.
/// </summary>
internal sealed class EpochOrder : IDisposable
{
    private readonly long _size;
    private readonly long _seed;
    private readonly bool _shuffle;
    private readonly long[] _epochs = [-1, -1];
    private readonly Tensor?[] _orders = new Tensor?[2];
    private long[]? _scratch;
    private int _next;

    public EpochOrder(long size, long seed, bool shuffle)
    {
        _size = size;
        _seed = seed;
        _shuffle = shuffle;
    }

    /// <summary>Gets the index tensor (int64, on the CPU) of the stream positions [start, start + count): they may span epochs.</summary>
    public Tensor Indices(long start, long count)
    {
        long epoch = start / _size;
        long offset = start % _size;
        if (offset + count <= _size)
        {
            return Of(epoch).narrow(0, offset, count);
        }

        long first = _size - offset;
        using Tensor head = Of(epoch).narrow(0, offset, first);
        using Tensor tail = Indices((epoch + 1) * _size, count - first);
        return cat([head, tail], 0);
    }

    public void Dispose()
    {
        foreach (Tensor? order in _orders)
        {
            order?.Dispose();
        }
    }

    /// <summary>The order of one epoch.</summary>
    internal long[] Permutation(long epoch) => Permute(new long[_size], epoch);

    private long[] Permute(long[] order, long epoch)
    {
        for (long i = 0; i < _size; i++)
        {
            order[i] = i;
        }

        if (!_shuffle)
        {
            return order;
        }

        // SplitMix64 on (seed, epoch): a different, reproducible stream for every epoch.
        ulong state = unchecked(((ulong)_seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)epoch + 0xD1B54A32D192ED03UL));
        for (long i = _size - 1; i > 0; i--)
        {
            long j = (long)Below(ref state, (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer below <paramref name="bound"/>, without bias: Lemire's multiply-and-shift with rejection, no division in the common case.</summary>
    private static ulong Below(ref ulong state, ulong bound)
    {
        ulong high = Math.BigMul(Next(ref state), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                high = Math.BigMul(Next(ref state), bound, out low);
            }
        }

        return high;
    }

    private Tensor Of(long epoch)
    {
        for (int i = 0; i < 2; i++)
        {
            if (_epochs[i] == epoch)
            {
                return _orders[i]!;
            }
        }

        _orders[_next]?.Dispose();

        // The tensor copies the numbers, so one scratch array serves every epoch: no large allocation per epoch.
        Tensor order = tensor(Permute(_scratch ??= new long[_size], epoch), dtype: ScalarType.Int64);
        order.DetachFromDisposeScope();
        _orders[_next] = order;
        _epochs[_next] = epoch;
        _next = 1 - _next;
        return order;
    }
}
