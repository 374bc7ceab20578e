using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public class LeastSquaresTests
{
    [Fact]
    public void Fit_ThreePointsOffALine_ResidualAndPredictionError()
    {
        // Points (1, 0), (2, 3), (3, 0): about the means (2, 1), Sxy = (-1)(-1) + 0 + (1)(-1) = 0, so the line is y = 1.
        // It misses (2, 3) by 2, the largest residual: 2 / 4 of a scale of 4. The line through the first two points,
        // y = 3·b - 3, predicts 6 at b = 3 where the peak is 0: a prediction error of 6 / 4.
        MemoryFit fit = LeastSquares.Fit([1, 2, 3], [0, 3, 0], 4);

        fit.Should().Be(new MemoryFit(1, 0, 0.5, 1.5, 3));
    }

    [Fact]
    public void Fit_TwoPoints_PassesThroughBothWithNoPredictionError()
    {
        MemoryFit fit = LeastSquares.Fit([8, 128], [1000, 16000], 1e6);

        fit.Should().Be(new MemoryFit(0, 125, 0, null, 2));
    }

    [Fact]
    public void Fit_PeaksAtTheEdgeOfDoublePrecision_SlopeFromExactDeviations()
    {
        // Through (1, 2^53) and (3, 2^53 + 2) the slope is 2 / 2 = 1. Their sum, 2^54 + 2, rounds to 2^54 (doubles there are
        // 4 apart), so the mean peak is 2^53; the deviations from it, 0 and 2, are exact and give the slope exactly, where
        // sums of a peak and the mean would round 2^54 + 2 away again.
        const double Big = 9007199254740992.0; // 2^53

        MemoryFit fit = LeastSquares.Fit([1, 3], [Big, Big + 2], 1);

        fit.BytesPerSample.Should().Be(1);
    }
}
