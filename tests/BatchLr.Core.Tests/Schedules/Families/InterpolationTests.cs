using BatchLr.Schedules.Families;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <see cref="Interpolation"/>, which keeps every family's interpolated value between its ends.</summary>
public class InterpolationTests
{
    [Theory]
    [InlineData(0.5, 0.5, 1.0)] // at the lower end
    [InlineData(1.0, 0.5, 1.0)] // at the upper end
    [InlineData(0.5, 1.0, 0.5)] // ends in falling order
    [InlineData(0.7, 0.5, 1.0)] // strictly inside
    public void Between_ValueWithinTheEnds_ReturnsItUnchanged(double value, double from, double to)
    {
        // The fraction 0.3 would give from · 0.7 + to · 0.3, another value: a value within the ends is the family's, kept as is.
        Interpolation.Between(value, from, to, 0.3).Should().Be(value);
    }

    [Fact]
    public void Between_ValueOutsideTheEnds_RecomputesAndHolds()
    {
        // 1e308 - (-1e308) overflows, so a family's -1e308 + ∞ · f is ∞; -1e308 · (1 - 0.75) + 1e308 · 0.75 = 5e307 does not.
        Interpolation.Between(double.PositiveInfinity, -1e308, 1e308, 0.75).Should().Be((-1e308 * 0.25) + (1e308 * 0.75));
        Interpolation.Between(1.2, 0.5, 1.0, 1.5).Should().Be(1.0, "0.5 · -0.5 + 1.5 = 1.25 is held at the upper end");
    }

    [Fact]
    public void Between_NaNValueAndFraction_ReturnsFrom()
    {
        // A NaN fraction (a ramp of 0 / 0) leaves nothing to interpolate: the value is the start end.
        Interpolation.Between(double.NaN, 0.5, 1.0, double.NaN).Should().Be(0.5);
    }
}
