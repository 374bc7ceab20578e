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
        // The highest power of two below the largest size, then its halvings while they stay within 1/SpeedLadder of it.
        for (long power = largest <= 1 ? 0 : 1L << (31 - BitOperations.LeadingZeroCount((uint)(largest - 1)));
             power > 0 && power * MicroBatchDefaults.SpeedLadder >= largest;
             power /= 2)
        {
            int candidate = trials.Clamp(power);
            if (candidate >= trials.LargestFit || trials.TryGet(candidate, out _))
            {
                continue;
            }

            if (!trials.CanTry)
            {
                trials.LimitReached = true;
                break;
            }

            trials.Run(candidate);
        }

        int best = trials.LargestFit;
        double bestSpeed = double.NegativeInfinity;
        foreach (MicroBatchTrialRecord record in trials.Records)
        {
            if (record.Fits && record.MicroBatchSize <= trials.LargestFit && record.SamplesPerSecond is { } speed
                && (speed > bestSpeed || (speed == bestSpeed && record.MicroBatchSize > best)))
            {
                best = record.MicroBatchSize;
                bestSpeed = speed;
            }
        }

        return best;
    }
}
