using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public class ModelSelectionTests
{
    [Theory]
    [InlineData(100.0, 100.0, 9)]
    [InlineData(0.0, 1e-9, 64)]
    [InlineData(1000.0, 0.0, 64)]
    [InlineData(0.0, 0.0, 64)]
    [InlineData(0.0, -5.0, 64)]
    [InlineData(2000.0, 100.0, 1)]
    public void Predict_LargestSizeWhoseLineStaysWithinTheBudget(double fixedBytes, double bytesPerSample, int expected)
    {
        // 1000 free bytes and no headroom: a budget of 1000 over sizes 1 to 64. With 100 + 100·b the line reaches it at 9;
        // a line that does not rise (flat, even flat exactly at the budget, or falling) keeps every size within it, so the
        // largest; one above the budget at 0 predicts the smallest.
        var trials = new SelectionTrials(
            _ => MicroBatchTrial.Fits(),
            new MicroBatchSelectionOptions { MaxMicroBatchSize = 64, Headroom = 0 },
            new SimulatedDevice(1000, 0, 0, 0));

        trials.BudgetBytes.Should().Be(1000);
        ModelSelection.Predict(trials, new MemoryFit(fixedBytes, bytesPerSample, 0, null, 2)).Should().Be(expected);
    }
}
