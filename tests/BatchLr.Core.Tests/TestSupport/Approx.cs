using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.TestSupport;

/// <summary>Comparisons with a stated tolerance, for values from a formula or from a cited anchor.</summary>
internal static class Approx
{
    /// <summary>The default relative tolerance: closed forms versus PyTorch's chainable recursion differ in the last bits only.</summary>
    public const double Relative = 1e-12;

    /// <summary>Asserts <c>|actual - expected| ≤ relative · |expected|</c> (exact equality when the expected value is zero).</summary>
    public static void Equal(double expected, double actual, double relative = Relative, string because = "")
    {
        double allowed = relative * Math.Abs(expected);
        if (!(Math.Abs(actual - expected) <= allowed))
        {
            throw new Xunit.Sdk.XunitException(string.Create(
                CultureInfo.InvariantCulture,
                $"Expected {expected:R} within relative {relative:R}, got {actual:R}. {because}"));
        }
    }

    /// <summary>Asserts <c>|actual - expected| ≤ absolute</c>, for anchors that printed fewer digits.</summary>
    public static void Within(double expected, double actual, double absolute, string because = "")
    {
        if (!(Math.Abs(actual - expected) <= absolute))
        {
            throw new Xunit.Sdk.XunitException(string.Create(
                CultureInfo.InvariantCulture,
                $"Expected {expected:R} within {absolute:R}, got {actual:R}. {because}"));
        }
    }

    /// <summary>Asserts that <c>schedule.Evaluate(i)</c> matches <c>expected[i]</c> for every index, relatively.</summary>
    public static void Sequence(LearningRateSchedule schedule, IReadOnlyList<double> expected, double relative = Relative)
    {
        for (int i = 0; i < expected.Count; i++)
        {
            Equal(expected[i], schedule.Evaluate(i), relative, "at position " + i.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Asserts that <c>schedule.Evaluate(i)</c> matches <c>expected[i]</c> for every index, absolutely.</summary>
    public static void SequenceWithin(LearningRateSchedule schedule, IReadOnlyList<double> expected, double absolute)
    {
        for (int i = 0; i < expected.Count; i++)
        {
            Within(expected[i], schedule.Evaluate(i), absolute, "at position " + i.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Asserts <c>lower ≤ value ≤ upper</c> up to rounding of <c>end + (start - end) · d</c>, which can pass an end by an
    /// ulp of the spread when the ends differ by many orders of magnitude.
    /// </summary>
    public static void InRange(double value, double lower, double upper)
    {
        double slack = 1e-15 * (Math.Abs(lower) + Math.Abs(upper));
        if (!(value >= lower - slack && value <= upper + slack))
        {
            throw new Xunit.Sdk.XunitException(string.Create(
                CultureInfo.InvariantCulture,
                $"Expected {value:R} in [{lower:R}, {upper:R}]."));
        }
    }

    /// <summary>Repeats a value, as Python's <c>[x] * n</c>.</summary>
    public static IEnumerable<double> Repeat(double value, int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return value;
        }
    }
}
