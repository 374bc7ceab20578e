namespace BatchLr.Schedules.Families;

/// <summary>Binary searches over sorted boundaries; no allocation.</summary>
internal static class Search
{
    /// <summary>Counts the entries of a sorted array that are less than or equal to <paramref name="value"/> (Python's bisect_right).</summary>
    public static int CountAtOrBelow(double[] sorted, double value)
    {
        int lo = 0;
        int hi = sorted.Length;
        while (lo < hi)
        {
            // Stryker disable once Bitwise : lo + hi is below 2^31 for any array under 2^30 entries (8 GiB of doubles), where >> and >>> agree
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
