using System;

namespace BatchLr.Schedules.Families;

/// <summary>Keeps an interpolated value between its two ends when the arithmetic would step outside them.</summary>
/// <remarks>
/// A family computes <c>a + (b - a) · f</c> in its own association, which is the reference library's and is kept bit for bit.
/// Near the ends of the doubles that can round past an end, or overflow (<c>b - a</c> of 1e308 and -1e308): such a value is
/// recomputed as <c>a · (1 - f) + b · f</c>, which cannot overflow, and held between the ends. A value already between the
/// ends is returned unchanged.
/// </remarks>
internal static class Interpolation
{
    /// <summary>Returns <paramref name="value"/> when it lies between <paramref name="from"/> and <paramref name="to"/>, else the same interpolation computed without overflow.</summary>
    /// <param name="value">The family's own <c>from + (to - from) · fraction</c>.</param>
    /// <param name="from">The value at fraction 0.</param>
    /// <param name="to">The value at fraction 1.</param>
    /// <param name="fraction">Where between the two, from 0 to 1.</param>
    public static double Between(double value, double from, double to, double fraction)
    {
        double low = Math.Min(from, to);
        double high = Math.Max(from, to);
        if (value >= low && value <= high)
        {
            return value;
        }

        double safe = (from * (1.0 - fraction)) + (to * fraction);
        return double.IsNaN(safe) ? from : Math.Clamp(safe, low, high);
    }
}
