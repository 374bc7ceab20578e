using System;
using System.Linq;
using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public class SelectionTrialsTests
{
    private static SelectionTrials Trials(Func<MicroBatchTrialArguments, MicroBatchTrial> trial, int min, int max, int multiple) =>
        new(trial, new MicroBatchSelectionOptions { MinMicroBatchSize = min, MaxMicroBatchSize = max, Multiple = multiple }, memory: null);

    [Theory]
    [InlineData(double.NegativeInfinity, 8)]
    [InlineData(-1.0, 8)]
    [InlineData(0.0, 8)]
    [InlineData(8.0, 8)]
    [InlineData(15.9, 8)]
    [InlineData(16.0, 16)]
    [InlineData(63.9, 56)]
    [InlineData(64.0, 64)]
    [InlineData(64.5, 64)]
    [InlineData(1e12, 64)]
    [InlineData(double.PositiveInfinity, 64)]
    public void Clamp_RoundsDownToTheMultipleInsideTheAllowedSizes(double size, int expected)
    {
        // Sizes 5 to 70 in multiples of 8: the allowed sizes are 8, 16, ..., 64.
        SelectionTrials trials = Trials(_ => MicroBatchTrial.Fits(), 5, 70, 8);

        trials.Clamp(size).Should().Be(expected);
        (trials.Lowest, trials.Highest).Should().Be((8, 64));
    }

    [Fact]
    public void Run_FitAboveASizeThatDidNot_StaysOutOfTheBracket()
    {
        // 4 fits, 8 runs out of memory, 12 fits (memory need not grow with the size): the bracket is the largest size that
        // fits below the smallest that does not, (4, 8).
        SelectionTrials trials = Trials(a => a.MicroBatchSize == 8 ? MicroBatchTrial.OutOfMemory : MicroBatchTrial.Fits(), 4, 64, 4);
        (trials.LargestFit, trials.SmallestFailure).Should().Be((0, 68), "before any trial the bracket is one multiple outside the allowed sizes");

        foreach (int size in new[] { 12, 4, 8 })
        {
            trials.Run(size);
        }

        (trials.LargestFit, trials.SmallestFailure).Should().Be((4, 8));
        trials.Records.Select(r => r.Fits).Should().Equal(true, true, false);
    }

    [Fact]
    public void Run_SeveralFailures_TheSmallestBoundsTheBracket()
    {
        SelectionTrials trials = Trials(a => a.MicroBatchSize >= 24 ? MicroBatchTrial.OutOfMemory : MicroBatchTrial.Fits(), 4, 64, 4);

        foreach (int size in new[] { 40, 24, 56, 8, 16 })
        {
            trials.Run(size);
        }

        (trials.LargestFit, trials.SmallestFailure).Should().Be((16, 24));
    }
}
