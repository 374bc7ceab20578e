using System;
using System.Numerics;

namespace BatchLr.Memory;

/// <summary>
/// Selection by search, after Lightning's <c>scale_batch_size</c> in <c>binsearch</c> mode: grow by doubling from the
/// initial size while every trial fits, then binary search between the largest size that fit and the smallest that did not,
/// an out-of-memory (or a peak over the limit) counting as too large.
/// </summary>
/// <remarks>
/// <para>
/// Sizes move in steps of the granularity <c>g</c> over the <c>N</c> allowed sizes. One change from Lightning bounds the
/// trials: a doubling is tried only while the search could still finish within <c>⌈log2 N⌉ + 2</c> trials whatever the
/// outcome, and bisection takes over once it could not. Doubling from 2 until the first failure and then bisecting the
/// last doubling's interval, as Lightning does, can take about <c>2 · log2 N</c> trials; bisection alone takes
/// <c>⌈log2 (N + 1)⌉</c>, and the two spare trials go to doublings while they are free: they settle small answers fast.
/// </para>
/// <para>
/// Proof of the bound: with <c>cost(l, h) = ⌈log2 ((h - l) / g)⌉</c>, the trials bisection needs to find the boundary strictly
/// between a fitting <c>l</c> and a failing <c>h</c>, the search keeps <c>used + cost(lo, hi) ≤ ⌈log2 N⌉ + 2</c>. It holds at
/// the start, where <c>cost = ⌈log2 (N + 1)⌉ ≤ ⌈log2 N⌉ + 1</c>; a doubling is tried only when both outcomes keep it; a
/// midpoint trial halves the interval, lowering the cost by one as it adds a trial.
/// </para>
/// </remarks>
internal static class SearchSelection
{
    /// <summary>Searches from the bracket the trials hold so far; returns the trials it ran.</summary>
    public static int Run(SelectionTrials trials)
    {
        int g = trials.Granularity;
        int budget = CeilingLog2(trials.AllowedCount) + 2;
        int used = 0;
        while (true)
        {
            long lo = trials.LargestFit;
            long hi = trials.SmallestFailure;
            if (hi - lo <= g)
            {
                return used;
            }

            if (!trials.CanTry)
            {
                trials.LimitReached = true;
                return used;
            }

            long next = lo + ((hi - lo) / g / 2 * g);
            if (hi > trials.Highest)
            {
                // No failure yet: grow, Lightning's power phase, while the bound allows it. Then hi is Highest + g and
                // lo < Highest, so lo < grown < hi: the start is at least Lowest > lo, and lo < min(2 lo, Highest).
                long grown = lo < trials.Lowest ? trials.Start : Math.Min(2 * lo, trials.Highest);
                if (used + 1 + Math.Max(Cost(lo, grown, g), Cost(grown, hi, g)) <= budget)
                {
                    next = grown;
                }
            }

            trials.Run((int)next);
            used++;
        }
    }

    /// <summary>Gets the most trials bisection needs to find the boundary strictly between a fitting <paramref name="lo"/> and a failing <paramref name="hi"/>.</summary>
    internal static int Cost(long lo, long hi, int g) => CeilingLog2((hi - lo) / g);

    /// <summary>Gets <c>⌈log2 n⌉</c> for n ≥ 1 (0 for 1, where n - 1 has 64 leading zeros); every caller passes a count of allowed sizes or of steps between two of them, 1 or more.</summary>
    internal static int CeilingLog2(long n) => 64 - BitOperations.LeadingZeroCount((ulong)(n - 1));
}
