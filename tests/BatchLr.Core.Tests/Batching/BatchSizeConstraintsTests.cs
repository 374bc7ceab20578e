using System;
using BatchLr.Batching;

namespace BatchLr.Core.Tests.Batching;

public class BatchSizeConstraintsTests
{
    [Theory]
    [InlineData(8, 1, 8)]
    [InlineData(8, 3, 24)]
    [InlineData(6, 4, 12)]
    public void Granularity_IsLeastCommonMultipleOfMultipleAndReplicas(int multiple, int replicas, int expected)
    {
        new BatchSizeConstraints(multiple: multiple, replicas: replicas).Granularity.Should().Be(expected);
    }

    [Fact]
    public void Granularity_WithElasticCounts_SplitsEvenlyAcrossEveryCount()
    {
        var constraints = new BatchSizeConstraints(maximum: 10_000, multiple: 8, replicas: 2, elasticReplicaCounts: [3, 4, 6]);

        // lcm(8, 2, 3, 4, 6) = 24.
        constraints.Granularity.Should().Be(24);
        foreach (int replicas in new[] { 2, 3, 4, 6 })
        {
            (constraints.Apply(1000) % replicas).Should().Be(0);
        }
    }

    [Theory]
    [InlineData(100.0, 96)]   // 100 / 8 = 12.5: a tie goes to the smaller multiple, 12 x 8
    [InlineData(100.1, 104)]  // 12.51 rounds up to 13 x 8
    [InlineData(3.0, 16)]     // below the lowest allowed (minimum 16)
    [InlineData(5000.0, 512)] // above the highest allowed (maximum 512)
    public void Apply_RoundsToNearestAllowed_TiesToSmaller(double wanted, int expected)
    {
        var constraints = new BatchSizeConstraints(minimum: 16, maximum: 512, multiple: 8);

        constraints.Apply(wanted).Should().Be(expected);
    }

    [Fact]
    public void Apply_MaximumNotMultiple_ReturnsHighestMultipleBelowIt()
    {
        var constraints = new BatchSizeConstraints(maximum: 100, multiple: 8);

        constraints.HighestAllowed.Should().Be(96);
        constraints.Apply(1e9).Should().Be(96);
    }

    [Fact]
    public void Constructor_NoAllowedSize_ThrowsNamingTheRule()
    {
        var act = () => new BatchSizeConstraints(minimum: 9, maximum: 15, multiple: 16);

        act.Should().Throw<ArgumentException>().WithParameterName("maximum").WithMessage("*between minimum 9 and maximum 15*multiple 16*exceeds the maximum*");
    }

    [Fact]
    public void Constructor_NoMultipleBetweenBounds_NamesTheGranularity()
    {
        var act = () => new BatchSizeConstraints(minimum: 17, maximum: 23, multiple: 8, replicas: 2);

        act.Should().Throw<ArgumentException>().WithParameterName("maximum").WithMessage("*multiple of 8, the least common multiple*");
    }

    [Fact]
    public void Constructor_HugeMultipleAndReplicas_DoesNotOverflowIntoAnEmptySet()
    {
        // lcm(2^31 - 1, 2^31 - 2) is about 2^62; multiplied again it would wrap around.
        var act = () => new BatchSizeConstraints(multiple: int.MaxValue, replicas: int.MaxValue - 1, elasticReplicaCounts: [8]);

        act.Should().Throw<ArgumentException>().WithParameterName("maximum").WithMessage("*exceeds the maximum*");
    }

    [Fact]
    public void Constructor_BadElasticCountAfterLargeGranularity_IsStillReported()
    {
        var act = () => new BatchSizeConstraints(maximum: 100, multiple: 64, elasticReplicaCounts: [3, -1]);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("elasticReplicaCounts[1]").WithMessage("*-1*1 or more*");
    }

    [Fact]
    public void Constructor_MaximumBelowMinimum_Throws()
    {
        var act = () => new BatchSizeConstraints(minimum: 10, maximum: 5);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maximum").WithMessage("*5*no less than minimum, 10*");
    }

    [Fact]
    public void Apply_NaN_Throws()
    {
        var act = () => BatchSizeConstraints.None.Apply(double.NaN);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("wanted");
    }

    [Theory]
    [InlineData(16, 16, 1)]  // minimum = maximum: the one size 16
    [InlineData(16, 16, 8)]  // and a multiple of 8
    [InlineData(1, 16, 16)]  // granularity = maximum: 16 is its only multiple in range
    [InlineData(9, 16, 16)]
    public void Constructor_SingleAllowedSizeAtTheMaximum_IsAccepted(int minimum, int maximum, int multiple)
    {
        var constraints = new BatchSizeConstraints(minimum: minimum, maximum: maximum, multiple: multiple);

        constraints.LowestAllowed.Should().Be(16);
        constraints.HighestAllowed.Should().Be(16);
        constraints.Apply(1).Should().Be(16);
        constraints.Apply(1e6).Should().Be(16);
    }

    [Fact]
    public void Constructor_GranularityAboveMaximum_MessageNamesMultipleAndReplicas()
    {
        // lcm(16, 3) = 48 exceeds the maximum 40: no multiple of it fits.
        var act = () => new BatchSizeConstraints(minimum: 9, maximum: 40, multiple: 16, replicas: 3);

        act.Should().Throw<ArgumentException>().WithParameterName("maximum")
            .WithMessage("No batch size between minimum 9 and maximum 40 is a multiple of the least common multiple of multiple 16, replicas 3 and the elastic replica counts, which exceeds the maximum. (Parameter 'maximum')");
    }

    [Fact]
    public void Constructor_NoMultipleBetweenBounds_MessageNamesGranularityMultipleAndReplicas()
    {
        // lcm(8, 2) = 8: 16 < 17 and 24 > 23, so no multiple lies in [17, 23].
        var act = () => new BatchSizeConstraints(minimum: 17, maximum: 23, multiple: 8, replicas: 2);

        act.Should().Throw<ArgumentException>().WithParameterName("maximum")
            .WithMessage("No batch size between minimum 17 and maximum 23 is a multiple of 8, the least common multiple of multiple 8, replicas 2 and the elastic replica counts. (Parameter 'maximum')");
    }
}
