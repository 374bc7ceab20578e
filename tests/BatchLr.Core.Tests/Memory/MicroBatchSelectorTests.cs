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
    public void Select_SearchFromTheLowestSize_DoublesIt()
    {
        // 61 allowed sizes, 4 to 64: at most ⌈log2 61⌉ + 2 = 8 trials. The start is the lowest size, 4; after it fits,
        // doubling to 8 costs 2 + max(⌈log2 4⌉, ⌈log2 57⌉) = 8 trials at most, within the bound, so 8 is next (not the
        // start again). A capacity of 6 then bisects (4, 8) at 6 and (6, 8) at 7.
        var device = new SimulatedDevice(6, 0, 0, 1);
        var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MinMicroBatchSize = 4, MaxMicroBatchSize = 64, InitialMicroBatchSize = 4 };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(4, 8, 6, 7);
        selection.MicroBatchSize.Should().Be(6);
    }

    [Fact]
    public void Select_SearchWithSpareTrials_DoublesWhileTheBoundAllows()
    {
        // 65 allowed sizes: at most ⌈log2 65⌉ + 2 = 9 trials. Bisection from 8 would need ⌈log2 (66 - 8)⌉ = 6 more, so
        // after 2, 4 and 8 the bound still holds and all three doublings are tried; doubling to 16 would need 4 + ⌈log2 50⌉ = 10.
        // Everything fits, so the search ends at the maximum.
        var device = new SimulatedDevice(1000, 0, 0, 1);

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 65 });

        selection.Trials.Select(t => t.MicroBatchSize).Take(4).Should().Equal(2, 4, 8, 8 + (58 / 2));
        selection.Trials.Should().HaveCountLessThanOrEqualTo(9);
        selection.MicroBatchSize.Should().Be(65);
    }

    [Fact]
    public void Select_SearchAfterTheModelsProbeRanOut_BisectsRatherThanGrows()
    {
        // The model's probes are 2 (fits) and 32, the maximum, which runs out of memory on a 10-byte device. With a failure
        // known, search bisects (2, 32) at 17, then (2, 17) at 9, (9, 17) at 13, (9, 13) at 11 and (9, 11) at 10: it does
        // not double 2 again, as Lightning's binary search does not once a size failed.
        var device = new SimulatedDevice(10, 0, 0, 1);
        var options = new MicroBatchSelectionOptions { MaxMicroBatchSize = 32, Memory = device, Headroom = 0 };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.FallbackReason.Should().Be("the trial at micro-batch 32 ran out of memory");
        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(2, 32, 17, 9, 13, 11, 10);
        selection.MicroBatchSize.Should().Be(10);
    }

    [Fact]
    public void Select_PeakExactlyAtTheLimit_Fits()
    {
        // One byte a sample on 1000 free bytes with a headroom of 0.5: the limit is 500 bytes in use, which micro-batch 500
        // reaches exactly; only a peak above the limit is too large.
        var device = new SimulatedDevice(1000, 0, 0, 1);
        var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 1000, Memory = device, Headroom = 0.5 };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.MemoryLimitBytes.Should().Be(500);
        selection.MicroBatchSize.Should().Be(500);
        selection.Trials.Should().Contain(t => t.MicroBatchSize == 501 && !t.Fits && !t.Outcome.IsOutOfMemory);
    }

    [Fact]
    public void Select_ProbeReadsAZeroPeak_Fits()
    {
        // A step that allocates nothing on an empty device peaks at 0 bytes, a reading like any other: the flat line predicts
        // the largest size.
        var device = new SimulatedDevice(1000, 0, 0, 0);

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, Options(device, max: 64));

        selection.Method.Should().Be(MicroBatchSelectionMethod.Model);
        selection.MicroBatchSize.Should().Be(64);
        selection.Trials.Should().OnlyContain(t => t.Fits && t.Outcome.PeakBytes == 0);
    }

    [Fact]
    public void Select_ModelStartsAtTheMaximum_ProbesTheSizeBelowIt()
    {
        // Sixteen times 64 clamps back to 64, the maximum: the second probe is one multiple below, and the line through
        // both predicts a size above the maximum, so the maximum, which fit, is the answer.
        SimulatedDevice device = Device();
        MicroBatchSelectionOptions options = Options(device, max: 64, multiple: 8);
        options.InitialMicroBatchSize = 64;

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Method.Should().Be(MicroBatchSelectionMethod.Model);
        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(64, 56);
        selection.MicroBatchSize.Should().Be(64);
    }

    [Fact]
    public void Select_ModelOneAllowedSize_SearchesIt()
    {
        SimulatedDevice device = Device();
        MicroBatchSelectionOptions options = Options(device, max: 8);
        options.MinMicroBatchSize = 8;

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.FallbackReason.Should().Be("only one micro-batch is allowed, so there is no line to fit");
        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(8);
        selection.MicroBatchSize.Should().Be(8);
    }

    [Fact]
    public void Select_ModelMaxTrialsBeforeTheSecondProbe_KeepsTheFirstAndSaysSo()
    {
        // The start is the maximum and fits; the second probe is one trial too many. Nothing is left to search, so only
        // the model reports the limit, and one peak is no line.
        SimulatedDevice device = Device();
        MicroBatchSelectionOptions options = Options(device, max: 64);
        options.InitialMicroBatchSize = 64;
        options.MaxTrials = 1;

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.FallbackReason.Should().Be("MaxTrials was reached before the model could confirm a prediction");
        selection.IsTrialLimitReached.Should().BeTrue();
        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(64);
        selection.Fit.Should().BeNull();
        selection.MicroBatchSize.Should().Be(64);
    }

    [Fact]
    public void Select_ModelNoFreeMemory_SearchesWithoutAFit()
    {
        // A full device (1000 of 1000 bytes in use) and a step that allocates nothing: every size fits at the limit, the
        // memory in use, but there is no free memory to measure a line against.
        var device = new SimulatedDevice(1000, 1000, 0, 0);

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, Options(device, max: 64));

        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.FallbackReason.Should().Be("the device had no free memory when the selection began");
        selection.MemoryLimitBytes.Should().Be(1000);
        selection.Fit.Should().BeNull();
        selection.MicroBatchSize.Should().Be(64);
    }

    [Fact]
    public void Select_ModelPredictionDoesNotSettle_FallsBackToSearch()
    {
        // Peaks of 100·√b bytes on 1000 free bytes: concave, so each refit flattens the line and moves the prediction up
        // toward 100, where 100·√100 = 1000 reaches the limit; the probes 2 and 32 and three confirmations do not get there.
        var memory = new SimulatedDevice(1000, 0, 0, 0);
        static MicroBatchTrial Trial(MicroBatchTrialArguments a)
        {
            long peak = (long)Math.Round(100 * Math.Sqrt(a.MicroBatchSize));
            return peak > 1000 ? MicroBatchTrial.OutOfMemory : MicroBatchTrial.Fits(peak);
        }

        var options = new MicroBatchSelectionOptions { MaxMicroBatchSize = 1000, Memory = memory, Headroom = 0, MaxFitError = 0.25 };

        MicroBatchSelection selection = MicroBatchSelector.Select(Trial, options);

        selection.FallbackReason.Should().Be("the line's prediction did not settle within 3 confirming trials");
        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.Trials.Take(5).Select(t => t.MicroBatchSize).Should().StartWith([2, 32]).And.BeInAscendingOrder().And.OnlyHaveUniqueItems();
        selection.Trials.Take(5).Should().OnlyContain(t => t.Fits);
        selection.MicroBatchSize.Should().Be(100, "100·√101 rounds to 1005 bytes, over the limit");
    }

    [Fact]
    public void Select_ModelKeepsPredictingASizeOverTheLimit_FallsBackToSearch()
    {
        // Peaks of 460 + 40·b bytes, but only 300 at 13 (a leaner kernel), under a limit of 1000 (2000 free, headroom 0.5).
        // The probes 1 and 16 (1100 bytes, over the limit) give the line 460 + 40·b, which predicts (1000 - 460) / 40 = 13.5,
        // so 13. Through (1, 500), (13, 300) and (16, 1100) the line is 395.2 + 23.8·b (Sxy = 3000, Sxx = 126 about the
        // means 10 and 633.3), which reaches the limit at 25.4: past the maximum, 16, that a trial showed too large.
        var memory = new SimulatedDevice(2000, 0, 0, 0);
        static MicroBatchTrial Trial(MicroBatchTrialArguments a) => MicroBatchTrial.Fits(a.MicroBatchSize == 13 ? 300 : 460 + (40 * a.MicroBatchSize));
        var options = new MicroBatchSelectionOptions { MaxMicroBatchSize = 16, InitialMicroBatchSize = 1, Memory = memory, Headroom = 0.5, MaxFitError = 0.5 };

        MicroBatchSelection selection = MicroBatchSelector.Select(Trial, options);

        selection.FallbackReason.Should().Be("the line keeps predicting micro-batch 16, which a trial showed to pass the limit");
        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(1, 16, 13, 14);
        selection.MicroBatchSize.Should().Be(13, "14 peaks at 1020 bytes");
    }

    /// <summary>
    /// Peaks of 1024·b bytes on 2^20 free, except 2^20 - 2^14 at 1024: the probes 1 and 16 give the line 1024·b exactly,
    /// which predicts 1024, the maximum; that trial misses the line by 2^14 bytes, 2^-6 of the free memory, the largest
    /// error (the refitted line, dominated by the far point, misses by about 1.3e-4).
    /// </summary>
    private static MicroBatchSelection SelectMissingBy2ToTheMinus6(double maxFitError)
    {
        var memory = new SimulatedDevice(1L << 20, 0, 0, 0);
        static MicroBatchTrial Trial(MicroBatchTrialArguments a) => MicroBatchTrial.Fits(a.MicroBatchSize == 1024 ? (1L << 20) - (1L << 14) : 1024L * a.MicroBatchSize);
        var options = new MicroBatchSelectionOptions { MaxMicroBatchSize = 1024, InitialMicroBatchSize = 1, Memory = memory, Headroom = 0, MaxFitError = maxFitError };
        return MicroBatchSelector.Select(Trial, options);
    }

    [Fact]
    public void Select_ModelMissesByExactlyMaxFitError_KeepsTheModel()
    {
        MicroBatchSelection selection = SelectMissingBy2ToTheMinus6(1.0 / 64);

        selection.Method.Should().Be(MicroBatchSelectionMethod.Model);
        selection.FallbackReason.Should().BeNull();
        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(1, 16, 1024);
        selection.Fit!.PredictionError.Should().Be(1.0 / 64);
    }

    [Fact]
    public void Select_ModelMissesByMoreThanMaxFitError_NamesBothErrors()
    {
        MicroBatchSelection selection = SelectMissingBy2ToTheMinus6(1.0 / 128);

        selection.Method.Should().Be(MicroBatchSelectionMethod.Search);
        selection.FallbackReason.Should().Match("the line fits the trials poorly: it missed a trial by 0.015625 of the free memory (residual 0.0001*, prediction error 0.015625), more than MaxFitError, 0.0078125");
        selection.MicroBatchSize.Should().Be(1024);
    }

    [Fact]
    public void Select_FastestAtConstantThroughput_TimesTheLadderAndKeepsTheLargest()
    {
        // Every size runs 1024 samples a second (b / (b / 1024) is exact). The search ends at 64, the maximum; the ladder
        // times the powers of two below it down to an eighth of it, 32, 16 and 8; and the tie goes to the largest.
        var device = new SimulatedDevice(1000, 0, 0, 1) { SecondsPerStep = b => b / 1024.0 };
        var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 64, MeasureSpeed = true };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(2, 4, 34, 49, 57, 61, 63, 64, 32, 16, 8);
        selection.Trials.Should().OnlyContain(t => t.SamplesPerSecond == 1024);
        selection.MicroBatchSize.Should().Be(64);
        selection.Method.Should().Be(MicroBatchSelectionMethod.Fastest);
        selection.IsTrialLimitReached.Should().BeFalse();
    }

    [Fact]
    public void Select_FastestLadderPastMaxTrials_SaysTheLimitWasReached()
    {
        // The search takes 2 and 3 (the maximum), both trials MaxTrials allows; the ladder below 3 is 2, tried, and 1,
        // which would be a third trial.
        var device = new SimulatedDevice(1000, 0, 0, 1) { SecondsPerStep = b => b / 1024.0 };
        var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 3, MeasureSpeed = true, MaxTrials = 2 };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Trials.Select(t => t.MicroBatchSize).Should().Equal(2, 3);
        selection.IsTrialLimitReached.Should().BeTrue();
        selection.MicroBatchSize.Should().Be(3);
    }

    [Fact]
    public void ToString_NamesTheSizeTheMethodAndTheTrialCount()
    {
        var device = new SimulatedDevice(3, 0, 0, 1);
        var one = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 12, Multiple = 4, InitialMicroBatchSize = 100 };
        var three = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 64 };

        MicroBatchSelector.Select(new SimulatedDevice(1000, 0, 0, 1).Trial, one).ToString().Should().Be("micro-batch 12 by Search (largest that fits 12, 1 trial)");
        MicroBatchSelector.Select(device.Trial, three).ToString().Should().Be("micro-batch 3 by Search (largest that fits 3, 3 trials)");
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
