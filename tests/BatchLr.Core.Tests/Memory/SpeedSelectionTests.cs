using System.Linq;
using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public class SpeedSelectionTests
{
    [Fact]
    public void Choose_LargestJustBelowAPowerOfTwo_TimesOnlyPowersBelowIt()
    {
        // The largest size known to fit is 63, with 64 allowed but untried: the ladder is 32, 16 and 8 (8·8 = 64 ≥ 63),
        // never 64, which is not below the largest size that fits. Every size runs 1024 samples a second, so 63 stays.
        var trials = new SelectionTrials(
            a => MicroBatchTrial.Fits(seconds: a.MicroBatchSize / 1024.0),
            new MicroBatchSelectionOptions { MaxMicroBatchSize = 128, MeasureSpeed = true },
            memory: null);
        trials.Run(63);

        int chosen = SpeedSelection.Choose(trials, trials.LargestFit);

        trials.Records.Select(r => r.MicroBatchSize).Should().Equal(63, 32, 16, 8);
        chosen.Should().Be(63);
    }

    [Fact]
    public void Choose_FasterSmallerSize_WinsOverTheLargest()
    {
        // 20 ms a step, 1 ms a sample and 100 ms more above 40 samples: 63 runs 63 / 0.183 = 344 samples a second, and
        // the ladder's 32, 16 and 8 run 32 / 0.052 = 615, 16 / 0.036 = 444 and 8 / 0.028 = 286: 32 wins.
        static double Seconds(int b) => 0.02 + (0.001 * b) + (b > 40 ? 0.1 : 0);
        var trials = new SelectionTrials(
            a => MicroBatchTrial.Fits(seconds: Seconds(a.MicroBatchSize)),
            new MicroBatchSelectionOptions { MaxMicroBatchSize = 128, MeasureSpeed = true },
            memory: null);
        trials.Run(63);

        SpeedSelection.Choose(trials, trials.LargestFit).Should().Be(32);
    }
}
