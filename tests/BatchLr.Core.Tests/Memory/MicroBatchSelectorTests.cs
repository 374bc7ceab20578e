using System;
using System.Linq;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public class MicroBatchSelectorTests
{
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;

    /// <summary>A 16 GiB device holding a 2 GiB model; a step needs 1 GiB plus 12 MiB a sample, plus up to 4 MiB of fragmentation.</summary>
    private static SimulatedDevice Device(ulong seed = 1, Func<int, long>? extra = null, Func<int, double>? seconds = null) =>
        new(16 * GiB, 2 * GiB, 1 * GiB, 12 * MiB, noiseBytes: 4 * MiB, seed: seed) { Extra = extra, SecondsPerStep = seconds };

    private static MicroBatchSelectionOptions Options(SimulatedDevice? memory, int max = 4096, int multiple = 1, double headroom = 0.1) => new()
    {
        MaxMicroBatchSize = max,
        Multiple = multiple,
        Headroom = headroom,
        Memory = memory,
    };

    [Theory]
    [InlineData(1UL, 8, 0.1)]
    [InlineData(2UL, 8, 0.1)]
    [InlineData(3UL, 8, 0.0)]
    [InlineData(4UL, 16, 0.1)]
    [InlineData(5UL, 16, 0.0)]
    [InlineData(6UL, 8, 0.3)]
    public void Select_ModelOnLinearDevice_LandsWithinOneMultipleOfTrueMaximum(ulong seed, int multiple, double headroom)
    {
        SimulatedDevice device = Device(seed);
        int expected = device.TrueMaximum(1, 4096, multiple, device.LimitBytes(headroom));

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, Options(device, multiple: multiple, headroom: headroom));

        selection.Method.Should().Be(MicroBatchSelectionMethod.Model);
        selection.FallbackReason.Should().BeNull();
        selection.MicroBatchSize.Should().BeInRange(expected - multiple, expected, "the model's choice is a size a trial showed to fit, at most one multiple below the true maximum {0}", expected);
        (selection.MicroBatchSize % multiple).Should().Be(0);
        selection.Trials.Count.Should().BeLessThanOrEqualTo(5, "two probes and at most three confirmations");
        device.TrialCount.Should().Be(selection.Trials.Count);
    }

    [Fact]
    public void Select_ModelOnLinearDevice_ReportsTheAllocatorsLine()
    {
        SimulatedDevice device = Device();

        MemoryFit fit = MicroBatchSelector.Select(device.Trial, Options(device, multiple: 8)).Fit!;

        // The line is fitted to the peak above the 2 GiB in use: 1 GiB + 12 MiB/sample, plus noise of at most 4 MiB.
        Approx.Within(device.FixedBytes + (device.NoiseBytes / 2.0), fit.FixedBytes, device.NoiseBytes);
        Approx.Equal(device.BytesPerSample, fit.BytesPerSample, 0.01);
        fit.Residual.Should().BeLessThan((double)device.NoiseBytes / (device.CapacityBytes - device.ResidentBytes));
        fit.Points.Should().BeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public void Select_ModelMemoryJumpsAtASize_FallsBackToSearchAndFindsTheTrueMaximum()
    {
        // Above 256 samples the step switches to an algorithm with a 1 GiB workspace: the line through the probes (8 and
        // 128) misses the size it predicts by 1 GiB, 7% of the 14 GiB free, though that size still runs.
        SimulatedDevice device = Device(extra: b => b >= 256 ? GiB : 0);
        MicroBatchSelectionOptions options = Options(device, multiple: 8);
        int expected = device.TrueMaximum(1, 4096, 8, device.LimitBytes(options.Headroom));

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.FallbackReason.Should().Contain("poorly");
        selection.Fit!.PredictionError.Should().BeGreaterThan(options.MaxFitError);
        selection.Trials.Should().NotContain(t => t.Outcome.IsOutOfMemory);
        selection.MicroBatchSize.Should().Be(expected);
    }

    [Fact]
    public void Select_ModelPredictionRunsOutOfMemory_FallsBackToSearch()
    {
        // A 4 GiB jump above 256 samples: the size the small probes predict does not even run.
        SimulatedDevice device = Device(extra: b => b >= 256 ? 4 * GiB : 0);
        MicroBatchSelectionOptions options = Options(device, multiple: 8);

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.FallbackReason.Should().Contain("ran out of memory");
        selection.Trials.Should().Contain(t => t.Outcome.IsOutOfMemory);
        selection.MicroBatchSize.Should().Be(device.TrueMaximum(1, 4096, 8, device.LimitBytes(options.Headroom)));
    }

    [Fact]
    public void Select_ModelWithoutProbe_SearchesForTheOutOfMemoryBoundary()
    {
        SimulatedDevice device = Device();

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, Options(memory: null, multiple: 8));

        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.FallbackReason.Should().Contain("no memory reading");
        selection.Fit.Should().BeNull();
        selection.MemoryLimitBytes.Should().BeNull();
        selection.MicroBatchSize.Should().Be(device.TrueMaximum(1, 4096, 8, device.CapacityBytes), "without a limit only an out-of-memory is too large");
    }

    [Fact]
    public void Select_ModelProbeCannotTrackPeaks_UsesPeaksTheTrialReports()
    {
        SimulatedDevice device = new(16 * GiB, 2 * GiB, 1 * GiB, 12 * MiB, noiseBytes: 4 * MiB, seed: 1) { ProbeTracksPeak = false, TrialReportsPeak = true };
        int expected = device.TrueMaximum(1, 4096, 8, device.LimitBytes(0.1));

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, Options(device, multiple: 8));

        selection.Method.Should().Be(MicroBatchSelectionMethod.Model);
        selection.MicroBatchSize.Should().BeInRange(expected - 8, expected);
    }

    [Fact]
    public void Select_ModelNoPeakAnywhere_FallsBackToSearch()
    {
        SimulatedDevice device = new(16 * GiB, 2 * GiB, 1 * GiB, 12 * MiB) { ProbeTracksPeak = false };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, Options(device, multiple: 8));

        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.FallbackReason.Should().Contain("no peak bytes");
        selection.MicroBatchSize.Should().Be(device.TrueMaximum(1, 4096, 8, device.CapacityBytes), "without peaks the headroom cannot be checked");
    }

    public static TheoryData<int, int, int> Ranges => new()
    {
        { 1, 1, 1 },
        { 1, 2, 1 },
        { 1, 3, 1 },
        { 1, 7, 1 },
        { 1, 64, 1 },
        { 1, 100, 1 },
        { 1, 1000, 1 },
        { 16, 1000, 8 },
        { 1, 4096, 8 },
        { 3, 517, 5 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Select_Search_FindsEveryTrueMaximumExactlyWithinLog2RangePlusTwoTrials(int min, int max, int multiple)
    {
        int lowest = (min + multiple - 1) / multiple * multiple;
        int allowed = ((max / multiple * multiple) - lowest) / multiple + 1;
        int bound = (int)Math.Ceiling(Math.Log2(allowed)) + 2;
        int worst = 0;

        // One byte a sample and no fixed cost: a capacity of c bytes makes c the last size that runs. Every allowed size is the answer once.
        for (int capacity = lowest; capacity <= max + multiple; capacity++)
        {
            var device = new SimulatedDevice(capacity, 0, 0, 1);
            var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MinMicroBatchSize = min, MaxMicroBatchSize = max, Multiple = multiple };

            MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

            selection.MicroBatchSize.Should().Be(device.TrueMaximum(min, max, multiple, capacity), "capacity {0}", capacity);
            selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
            selection.Trials.Select(t => t.MicroBatchSize).Should().OnlyHaveUniqueItems().And.OnlyContain(b => b % multiple == 0 && b >= lowest && b <= max);
            worst = Math.Max(worst, selection.Trials.Count);
        }

        worst.Should().BeLessThanOrEqualTo(bound, "{0} allowed sizes", allowed);
    }

    [Theory]
    [InlineData(3, new[] { 2, 4, 3 })]
    [InlineData(7, new[] { 2, 4, 34, 19, 11, 7, 9, 8 })]
    public void Select_Search_GrowsByDoublingFromLightningsInitialSizeWhileTheBoundAllows(int capacity, int[] expected)
    {
        // 64 allowed sizes: at most log2(64) + 2 = 8 trials. Doubling from 2 to 4 keeps that bound whatever the outcome;
        // doubling again to 8 would not (after 2, 4 and 8 fitting, 56 sizes remain: 6 more trials), so bisection takes
        // over at 4 + 61 / 2 = 34. A capacity of 3 ends in the first bracket, (2, 4).
        var device = new SimulatedDevice(capacity, 0, 0, 1);

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 64 });

        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(expected);
        selection.MicroBatchSize.Should().Be(capacity);
        device.TrialLog.Should().OnlyContain(a => a.Steps == 3 && !a.MeasureTime);
    }

    [Fact]
    public void Select_SearchInitialSizeTooLarge_BisectsBelowIt()
    {
        var device = new SimulatedDevice(5, 0, 0, 1);
        var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 64, InitialMicroBatchSize = 32 };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Trials[0].MicroBatchSize.Should().Be(32);
        selection.Trials[0].Outcome.IsOutOfMemory.Should().BeTrue();
        selection.MicroBatchSize.Should().Be(5);
    }

    [Fact]
    public void Select_SearchWithProbe_KeepsTheHeadroom()
    {
        SimulatedDevice device = Device();
        var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 4096, Memory = device, Headroom = 0.2 };
        long limit = device.LimitBytes(0.2);

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.MemoryLimitBytes.Should().Be(limit);
        selection.MicroBatchSize.Should().Be(device.TrueMaximum(1, 4096, 1, limit));
        selection.MicroBatchSize.Should().BeLessThan(device.TrueMaximum(1, 4096, 1, device.CapacityBytes));
        selection.Trials.Should().Contain(t => !t.Fits && !t.Outcome.IsOutOfMemory, "a size that runs but passes the limit is too large");
    }

    [Fact]
    public void Select_MaxTrialsReached_ChoosesTheLargestSizeSeenToFit()
    {
        var device = new SimulatedDevice(700, 0, 0, 1);
        var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 1024, MaxTrials = 4 };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.IsTrialLimitReached.Should().BeTrue();
        selection.Trials.Should().HaveCount(4);
        selection.MicroBatchSize.Should().Be(selection.Trials.Where(t => t.Fits).Max(t => t.MicroBatchSize));
        selection.MicroBatchSize.Should().BeLessThan(700);
    }

    [Fact]
    public void Select_NothingFits_ThrowsNamingTheSmallestSize()
    {
        var device = new SimulatedDevice(100, 0, 200, 1);
        var options = new MicroBatchSelectionOptions { MinMicroBatchSize = 4, MaxMicroBatchSize = 64, Multiple = 4 };

        var act = () => MicroBatchSelector.Select(device.Trial, options);

        act.Should().Throw<InvalidOperationException>().WithMessage("No micro-batch fits: the smallest allowed, 4, ran out of memory*");
    }

    [Fact]
    public void Select_SmallestOverTheLimit_ThrowsNamingTheLimit()
    {
        var device = new SimulatedDevice(1000, 0, 950, 1);
        var options = new MicroBatchSelectionOptions { MaxMicroBatchSize = 64, Memory = device, Headroom = 0.1 };

        var act = () => MicroBatchSelector.Select(device.Trial, options);

        act.Should().Throw<InvalidOperationException>().WithMessage("*smallest allowed, 1, peaked at 951 bytes in use, over the limit of 900*");
    }

    [Fact]
    public void Select_FastestThatFits_PicksTheBestSamplesPerSecondOfATimingCurve()
    {
        // Per-step time: 20 ms overhead, 1 ms a sample, and a quadratic penalty past 128 samples (cache thrash): the
        // throughput b / t(b) peaks at 128 among multiples of 8, far below the largest size that fits.
        static double Seconds(int b) => 0.02 + (0.001 * b) + (1e-4 * Math.Pow(Math.Max(0, b - 128), 2));
        SimulatedDevice device = Device(seconds: Seconds);
        MicroBatchSelectionOptions options = Options(device, multiple: 8);
        options.MeasureSpeed = true;
        int largest = device.TrueMaximum(1, 4096, 8, device.LimitBytes(options.Headroom));
        int fastest = Enumerable.Range(1, largest / 8).Select(k => 8 * k).MaxBy(b => b / Seconds(b));

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        fastest.Should().Be(128, "the curve is built to peak there");
        selection.Method.Should().Be(MicroBatchSelectionMethod.Fastest);
        selection.MicroBatchSize.Should().Be(fastest);
        selection.LargestMicroBatchSize.Should().BeInRange(largest - 8, largest);
        selection.Trials.Where(t => t.Fits).MaxBy(t => t.SamplesPerSecond).MicroBatchSize.Should().Be(fastest);
        device.TrialLog.Should().OnlyContain(a => a.MeasureTime);
    }

    [Fact]
    public void Select_FastestWhenLargestIsFastest_KeepsTheLargest()
    {
        SimulatedDevice device = Device(seconds: b => 0.02 + (0.001 * b));
        MicroBatchSelectionOptions options = Options(device, multiple: 8);
        options.MeasureSpeed = true;

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Method.Should().Be(MicroBatchSelectionMethod.Fastest);
        selection.MicroBatchSize.Should().Be(selection.LargestMicroBatchSize);
    }

    [Fact]
    public void Select_MeasureSpeedButTrialUntimed_Throws()
    {
        SimulatedDevice device = Device();
        MicroBatchSelectionOptions options = Options(device, multiple: 8);
        options.MeasureSpeed = true;

        var act = () => MicroBatchSelector.Select(device.Trial, options);

        act.Should().Throw<InvalidOperationException>().WithMessage("The trial at micro-batch 8 fit but reported no Seconds*");
    }

    [Fact]
    public void Select_ProbeNotAvailable_WorksWithoutMemoryReadings()
    {
        SimulatedDevice device = new(16 * GiB, 2 * GiB, 1 * GiB, 12 * MiB) { IsAvailable = false };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, Options(device, multiple: 8));

        selection.Memory.Should().BeNull();
        selection.FallbackReason.Should().Contain("no memory reading");
        selection.MicroBatchSize.Should().Be(device.TrueMaximum(1, 4096, 8, device.CapacityBytes));
    }

    [Fact]
    public void Select_TrialThrows_PropagatesUnchanged()
    {
        var options = new MicroBatchSelectionOptions { MaxMicroBatchSize = 64 };

        var act = () => MicroBatchSelector.Select(_ => throw new FormatException("not memory"), options);

        act.Should().Throw<FormatException>().WithMessage("not memory");
    }

    [Fact]
    public void Select_SameOutcomes_SameSelection()
    {
        SimulatedDevice one = Device(seed: 9);
        SimulatedDevice other = Device(seed: 9);

        MicroBatchSelection first = MicroBatchSelector.Select(one.Trial, Options(one, multiple: 8));
        MicroBatchSelection second = MicroBatchSelector.Select(other.Trial, Options(other, multiple: 8));

        second.Trials.Should().Equal(first.Trials);
        second.Fit.Should().Be(first.Fit);
    }

    [Fact]
    public void Select_NullArguments_Throw()
    {
        var options = new MicroBatchSelectionOptions { MaxMicroBatchSize = 8 };

        ((Action)(() => MicroBatchSelector.Select(null!, options))).Should().Throw<ArgumentNullException>().WithParameterName("trial");
        ((Action)(() => MicroBatchSelector.Select(_ => MicroBatchTrial.Fits(), null!))).Should().Throw<ArgumentNullException>().WithParameterName("options");
    }
}
