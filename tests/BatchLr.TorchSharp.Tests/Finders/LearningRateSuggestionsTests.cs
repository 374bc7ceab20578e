using System;
using System.Linq;

namespace BatchLr.TorchSharp.Tests.Finders;

public class LearningRateSuggestionsTests
{
    [Fact]
    public void Steepest_SkipsTheFirstTenPointsAndTheLast()
    {
        // Even spacing; flat at 5 with a drop of 4 from point 2 to 3 (skipped), a drop of 100 at the last point (skipped),
        // and inside the window drops of 1 into 30 and 0.5 into 31: central gradients -1/2h at 29, -1.5/2h at 30, -0.5/2h at 31.
        double[] lrs = [.. Enumerable.Range(0, 40).Select(i => 0.01 * (i + 1))];
        double[] losses = [.. Enumerable.Range(0, 40).Select(i => i switch
        {
            < 3 => 9.0,
            < 30 => 5.0,
            30 => 4.0,
            < 39 => 3.5,
            _ => -96.5,
        })];

        LearningRateSuggestions.Steepest(lrs, losses).Should().Be(30);
    }

    [Fact]
    public void Steepest_TakesTheGradientAgainstTheRateNotItsLogarithm()
    {
        // Exponential spacing x_i = 1e-7 · q^i. The loss falls by 1 a point until 50 and by 3 a point after, so against
        // log(lr) the fall is steepest from 50 on; against lr the spacing at 50 is q^40 ≈ 1,700 times that at 10, so the
        // window's first point wins: its one-sided gradient -1 / (x_11 - x_10) beats the central -(q² + 1) / (q (1 + q) (x_11 - x_10)) at 11.
        const int N = 100;
        double q = Math.Pow(1e8, 1.0 / (N - 1));
        double[] lrs = [.. Enumerable.Range(0, N).Select(i => 1e-7 * Math.Pow(q, i))];
        double[] losses = [.. Enumerable.Range(0, N).Select(i => i < 50 ? -i : -50.0 - (3.0 * (i - 50)))];

        LearningRateSuggestions.Steepest(lrs, losses).Should().Be(10);
    }

    [Theory]
    [InlineData(11, null)]
    [InlineData(12, null)]
    [InlineData(13, 10)]
    public void Steepest_NeedsTwoPointsBetweenTheSkippedOnes(int count, int? expected)
    {
        double[] lrs = [.. Enumerable.Range(1, count).Select(i => (double)i)];
        double[] losses = [.. Enumerable.Range(0, count).Select(i => 100.0 - (i * i))];

        // With points 10 and 11 left, both gradients are (f11 - f10) / 1 = -21: the first is picked.
        LearningRateSuggestions.Steepest(lrs, losses).Should().Be(expected);
    }

    [Fact]
    public void Steepest_DropsNonFiniteLossesAndDifferencesAcrossTheGap()
    {
        // Point 20 is NaN; its neighbours 19 and 21 become adjacent, and the central gradient at 19 spans the drop from 18 to 21.
        double[] lrs = [.. Enumerable.Range(0, 40).Select(i => (double)i)];
        double[] losses = [.. Enumerable.Range(0, 40).Select(i => i switch
        {
            < 19 => 10.0,
            19 => 9.0,
            20 => double.NaN,
            _ => 1.0,
        })];

        // At 19: neighbours 18 (dx1 = 1) and 21 (dx2 = 2): a = -2/3, b = 1/2, c = 1/6 → -20/3 + 9/2 + 1/6 = -2; at 21 (one-sided
        // to 19 on the left, 22 on the right, dx1 = 2, dx2 = 1): a = -1/6, b = -1/2, c = 2/3 → -9/6 - 1/2 + 2/3 = -4/3.
        LearningRateSuggestions.Steepest(lrs, losses).Should().Be(19);
    }

    [Fact]
    public void Minimum_ReadsFastaisWindowAndTakesTheFirstOfTies()
    {
        // 30 points planned as 40 steps: the window is [40 / 10, 30 - 5) = [4, 25).
        double[] losses = [.. Enumerable.Range(0, 30).Select(i => i switch
        {
            2 => -10.0,
            12 or 18 => 1.0,
            27 => -20.0,
            _ => 5.0,
        })];

        LearningRateSuggestions.Minimum(losses, plannedSteps: 40).Should().Be(12);
    }

    [Fact]
    public void Minimum_StopsAtTheFirstNonFiniteLoss()
    {
        double[] losses = [.. Enumerable.Range(0, 40).Select(i => i switch
        {
            8 => 2.0,
            15 => double.NaN,
            20 => 0.5,
            _ => 5.0,
        })];

        LearningRateSuggestions.Minimum(losses, plannedSteps: 30).Should().Be(8);
    }

    [Fact]
    public void Valley_DesignedCurve_IsAboutHalfwayDownTheLongestDecrease()
    {
        // Window [10, 95); L = 42 (one plateau point, then points 20..60), first ending at window index 50:
        // 50 - 42 + floor(42 / 3) + floor(42 / 6) = 29, point 39.
        LearningRateSuggestions.Valley(SuggestionCurves.Designed(), plannedSteps: 100).Should().Be(39);
    }

    [Fact]
    public void Valley_CountsADecreasingSubsequenceNotARunAndIgnoresTheLastFivePoints()
    {
        // Planned 5 steps: the window is [0, 14 - 5) = [0, 9). Its longest strictly decreasing subsequence is 9, 7, 6, 5, 4
        // (or 9, 8, 6, 5, 4): L = 5, first ending at index 6; 6 - 5 + 1 + 0 = 2. The last five points continue the fall
        // (L would be 10) but lie outside the window.
        double[] losses = [9, 7, 8, 6, 5, 7, 4, 10, 10, 3, 2, 1, 0, -1];

        LearningRateSuggestions.Valley(losses, plannedSteps: 5).Should().Be(2);
    }

    [Fact]
    public void Valley_NoDecrease_TakesTheWindowsFirstPoint()
    {
        // L = 1 ending at window index 0 gives 0 - 1 + 0 + 0 = -1, which Python would read as the window's last point.
        double[] losses = [.. Enumerable.Repeat(3.0, 50)];

        LearningRateSuggestions.Valley(losses, plannedSteps: 50).Should().Be(5);
    }

    [Fact]
    public void FastaiRules_EmptyWindow_SuggestNothing()
    {
        double[] losses = [5, 4, 3, 2, 1, 0, -1];

        // Planned 100 steps: the window [10, 7 - 5) is empty.
        LearningRateSuggestions.Minimum(losses, plannedSteps: 100).Should().BeNull();
        LearningRateSuggestions.Valley(losses, plannedSteps: 100).Should().BeNull();
    }
}
