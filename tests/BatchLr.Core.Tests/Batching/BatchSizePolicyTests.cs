using System;
using System.Linq;
using BatchLr.Batching;

namespace BatchLr.Core.Tests.Batching;

public class BatchSizePolicyTests
{
    [Fact]
    public void Fixed_ReturnsSameSizeEverywhere()
    {
        var policy = BatchSizePolicy.Fixed(64);

        policy.GetBatchSize(TrainingProgress.AtStep(0)).Should().Be(64);
        policy.GetBatchSize(new TrainingProgress(10_000, 640_000, 0, 12.5)).Should().Be(64);
    }

    [Fact]
    public void Fixed_SizeNotAllowed_Throws()
    {
        var act = () => BatchSizePolicy.Fixed(60, new BatchSizeConstraints(multiple: 8));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("batchSize").WithMessage("*60*multiple of 8*");
    }

    [Fact]
    public void Steps_ChangesAtMilestones_OnItsClock()
    {
        var policy = BatchSizePolicy.Steps([2.0, 5.0], [32, 64, 128], ProgressClock.Epochs);

        static TrainingProgress Epoch(double e) => new(0, 0, 0, e);
        policy.GetBatchSize(Epoch(0)).Should().Be(32);
        policy.GetBatchSize(Epoch(1.99)).Should().Be(32);
        policy.GetBatchSize(Epoch(2)).Should().Be(64);
        policy.GetBatchSize(Epoch(4.5)).Should().Be(64);
        policy.GetBatchSize(Epoch(5)).Should().Be(128);
    }

    [Fact]
    public void LinearRamp_FollowsMegatronRule()
    {
        // --rampup-batch-size 32 32 1000 with global batch 256: n = (256 - 32) / 32 = 7 increments,
        // one every 1000 / 7 samples: B(s) = 32 + floor(s / (1000 / 7)) * 32 while s <= 1000.
        var policy = BatchSizePolicy.LinearRamp(start: 32, increment: 32, rampSamples: 1000, target: 256);

        // 1000 / 7 = 142.857…: the k-th increment lands at the first sample s with s / 142.857… ≥ k.
        (long Samples, int Batch)[] expected =
        [
            (0, 32), (142, 32), (143, 64), (285, 64), (286, 96), (500, 128), (857, 192), (858, 224), (999, 224),
            (1000, 256), (1001, 256), (50_000, 256),
        ];
        foreach (var (samples, batch) in expected)
        {
            policy.GetBatchSize(new TrainingProgress(0, samples)).Should().Be(batch, "at {0} samples", samples);
        }
    }

    [Fact]
    public void LinearRamp_AtTheRampsLastSample_StillFollowsTheRampFormula()
    {
        // Megatron: consumed ≤ ramp_samples gives start + int(consumed / (ramp_samples / n)) · increment, only past it the
        // target. With ramp_samples 9 and n = 7, 9 / (9 / 7) is 6.999… in doubles, so at sample 9 the batch is
        // 32 + 6 · 32 = 224, and 256 from sample 10.
        var policy = BatchSizePolicy.LinearRamp(start: 32, increment: 32, rampSamples: 9, target: 256);

        Math.Floor(9 / (9 / 7.0)).Should().Be(6);
        policy.GetBatchSize(new TrainingProgress(0, 9)).Should().Be(224);
        policy.GetBatchSize(new TrainingProgress(0, 10)).Should().Be(256);
    }

    [Fact]
    public void LinearRamp_SizesNotAllowedByConstraints_Throws()
    {
        // Megatron requires every ramp size to split evenly; with 3 replicas 32 does not.
        var act = () => BatchSizePolicy.LinearRamp(32, 32, 1000, 256, new BatchSizeConstraints(replicas: 3));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("start").WithMessage("*32*multiple of*granularity, 3*");
    }

    [Fact]
    public void LinearRamp_IncrementNotDividingSpan_Throws()
    {
        var act = () => BatchSizePolicy.LinearRamp(32, 30, 1000, 256);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("increment").WithMessage("*30*divisor*224*");
    }

    [Fact]
    public void TokenRamp_GrowsLinearlyByTokens_RoundedToMultiple()
    {
        var policy = BatchSizePolicy.TokenRamp(32, 1024, 1_000_000, new BatchSizeConstraints(multiple: 32));

        policy.GetBatchSize(new TrainingProgress(0, 0, 0)).Should().Be(32);

        // 32 + 992 * 0.5 = 528, nearest multiple of 32 is 512 (528 / 32 = 16.5, a tie, goes down).
        policy.GetBatchSize(new TrainingProgress(0, 0, 500_000)).Should().Be(512);
        policy.GetBatchSize(new TrainingProgress(0, 0, 2_000_000)).Should().Be(1024);
    }

    [Fact]
    public void Geometric_MultipliesEveryInterval_UpToMaximum()
    {
        var policy = BatchSizePolicy.Geometric(initial: 128, factor: 5, interval: 30, maximum: 5000);

        static TrainingProgress Epoch(double e) => new(0, 0, 0, e);
        policy.GetBatchSize(Epoch(29.9)).Should().Be(128);
        policy.GetBatchSize(Epoch(30)).Should().Be(640);
        policy.GetBatchSize(Epoch(60)).Should().Be(3200);
        policy.GetBatchSize(Epoch(90)).Should().Be(5000); // 16,000 capped
    }

    [Fact]
    public void Cyclic_RisesAndFallsEachPeriod()
    {
        var policy = BatchSizePolicy.Cyclic(32, 256, period: 100);

        // Triangle: 32 at 0, 256 at 50, 32 at 100; 32 + 224 * 25 / 50 = 144 at 25.
        int[] expected = [32, 144, 256, 144, 32, 144];
        var actual = new[] { 0, 25, 50, 75, 100, 125 }.Select(s => policy.GetBatchSize(TrainingProgress.AtStep(s)));
        actual.Should().Equal(expected);
    }

    [Fact]
    public void Cyclic_WithReplicas_EverySizeSplitsEvenly()
    {
        var policy = BatchSizePolicy.Cyclic(30, 300, 70, constraints: new BatchSizeConstraints(replicas: 4));

        for (int step = 0; step < 200; step++)
        {
            (policy.GetBatchSize(TrainingProgress.AtStep(step)) % 4).Should().Be(0);
        }
    }
}
