using System;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules;

/// <summary>Generators of schedule parameters shared by the conformance tests: usual values, and the extremes the families must survive.</summary>
internal static class ScheduleGen
{
    /// <summary>Gets lengths greater than zero: usual ones, and ones a double barely holds.</summary>
    public static Gen<double> Length { get; } = Gen.OneOf(Gen.Double[1e-3, 1e4], Gen.Double[1, 1e9], Gen.OneOf(1e-300, 5e-324, 1e15, 1e300));

    /// <summary>Gets values zero or more, as learning rates are: usual ones, zero, and extremes.</summary>
    public static Gen<double> Value { get; } = Gen.OneOf(Gen.Double[0, 10], Gen.OneOf(0.0, 1e-300, 1e300));

    /// <summary>Gets values greater than zero, for geometric interpolation.</summary>
    public static Gen<double> PositiveValue { get; } = Gen.OneOf(Gen.Double[1e-6, 10], Gen.OneOf(1e-300, 1e300));

    /// <summary>Gets finite values of either sign.</summary>
    public static Gen<double> Signed { get; } = Gen.OneOf(Gen.Double[-10, 10], Gen.OneOf(0.0, -1e300, 1e300));

    /// <summary>Gets finite values of either sign up to the largest doubles, for interpolations whose ends may be that far apart.</summary>
    public static Gen<double> Wide { get; } = Gen.OneOf(Signed, Gen.OneOf(double.MaxValue, -double.MaxValue, 0.5 * double.MaxValue));

    /// <summary>Gets decay factors, in (0, 1].</summary>
    public static Gen<double> Decay { get; } = Gen.OneOf(Gen.Double[1e-6, 1], Gen.OneOf(1.0, 5e-324, 1 - 1e-16));

    /// <summary>Gets growth factors, above 1.</summary>
    public static Gen<double> Growth { get; } = Gen.OneOf(Gen.Double[1.000001, 100], Gen.OneOf(1.0000000000000002, 1e300));

    /// <summary>Gets numbers a length, a factor or a rate greater than zero must not be.</summary>
    public static Gen<double> NotPositive { get; } = Gen.OneOf(Gen.Double[-1e6, 0], Gen.OneOf(0.0, -1e-300, double.NaN, double.PositiveInfinity, double.NegativeInfinity));

    /// <summary>Gets numbers that are not finite.</summary>
    public static Gen<double> NotFinite { get; } = Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity);

    /// <summary>Gets numbers below zero or not finite, which a value zero or more must not be.</summary>
    public static Gen<double> Negative { get; } = Gen.OneOf(Gen.Double[-1e6, -1e-300], Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity));

    /// <summary>Gets strictly ascending positions zero or more, from <paramref name="min"/> to <paramref name="max"/> of them.</summary>
    public static Gen<double[]> Ascending(int min, int max, double first = 0) =>
        Gen.Double[1e-3, 1e4].Array[min, max].Select(gaps =>
        {
            var positions = new double[gaps.Length];
            double at = first;
            for (int i = 0; i < gaps.Length; i++)
            {
                at += gaps[i];
                positions[i] = at;
            }

            return positions;
        });

    /// <summary>Returns <c>(min, max)</c> of values.</summary>
    public static (double Low, double High) Range(params double[] values)
    {
        double low = double.PositiveInfinity;
        double high = double.NegativeInfinity;
        foreach (double v in values)
        {
            low = Math.Min(low, v);
            high = Math.Max(high, v);
        }

        return (low, high);
    }

    /// <summary>Formats numbers for a sample's description.</summary>
    public static string Show(params double[] values) => string.Join(", ", Array.ConvertAll(values, v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
}
