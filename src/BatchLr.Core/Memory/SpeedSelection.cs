using System.Linq;
using System.Numerics;

namespace BatchLr.Memory;

/// <summary>
/// Fastest that fits: besides every trial already run, times the powers of two below the largest size that fits, down to
/// 1/<see cref="MicroBatchDefaults.SpeedLadder"/> of it (each rounded down to the granularity), and chooses the best
/// measured samples per second among the timed trials that fit; a tie goes to the larger size, which needs fewer
/// accumulation steps.
/// </summary>
/// <remarks>
/// Powers of two because GPU kernels tile in them: the largest size that fits is often an odd multiple that leaves a
/// partial tile, and a power of two just below it can run more samples per second.
/// </remarks>
internal static class SpeedSelection
{
    public static int Choose(SelectionTrials trials, int largest)
    {
        // The highest power of two below the largest size (1 when it is 1), then its halvings while they stay within
        // 1/SpeedLadder of it. Clamped, each is below the largest size or the lowest allowed size, so it is a size below
        // the largest or one already tried (the largest itself).
        for (long power = 1L << BitOperations.Log2((uint)(largest - 1)); power * MicroBatchDefaults.SpeedLadder >= largest; power /= 2)
        {
            int candidate = trials.Clamp(power);
            if (trials.TryGet(candidate, out _))
            {
                continue;
            }

            if (trials.CanTry)
            {
                trials.Run(candidate);
            }
            else
            {
                trials.LimitReached = true;
            }
        }

        // Every trial that fits is timed, the largest among them too; a size that did not fit is above LargestFit.
        // Samples per second first, then the size, so a tie goes to the larger.
        return trials.Records
            .Where(record => record.MicroBatchSize <= trials.LargestFit)
            .MaxBy(record => (record.SamplesPerSecond!.Value, record.MicroBatchSize))
            .MicroBatchSize;
    }
}
