using System;
using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public class MicroBatchSelectionOptionsTests
{
    private static readonly Func<MicroBatchTrialArguments, MicroBatchTrial> NeverRuns = _ => throw new InvalidOperationException("no trial may run");

    [Fact]
    public void Defaults_AreLightningsWhereItHasOne()
    {
        var options = new MicroBatchSelectionOptions();

        options.Strategy.Should().Be(MicroBatchStrategy.Model);
        options.InitialMicroBatchSize.Should().Be(2);
        options.StepsPerTrial.Should().Be(3);
        options.MaxTrials.Should().Be(25);
        options.Headroom.Should().Be(0.1);
        options.MaxFitError.Should().Be(options.Headroom / 2);
        options.MinMicroBatchSize.Should().Be(1);
        options.Multiple.Should().Be(1);
        options.MeasureSpeed.Should().BeFalse();
    }

    [Fact]
    public void Select_EveryRuleBroken_ReportsEveryRuleInOneMessage()
    {
        var options = new MicroBatchSelectionOptions
        {
            Strategy = (MicroBatchStrategy)7,
            MinMicroBatchSize = 0,
            Multiple = 0,
            InitialMicroBatchSize = -2,
            StepsPerTrial = 0,
            MaxTrials = 0,
            Headroom = 1,
            MaxFitError = double.NaN,
            Cache = new MicroBatchCache(),
            CacheKey = "",
        };

        var act = () => MicroBatchSelector.Select(NeverRuns, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("*'options.Strategy' is 7; it must be one of Model, Search*")
            .WithMessage("*'options.MinMicroBatchSize' is 0; it must be 1 or more*")
            .WithMessage("*'options.MaxMicroBatchSize' is null; it must be set*")
            .WithMessage("*'options.Multiple' is 0; it must be 1 or more*")
            .WithMessage("*'options.InitialMicroBatchSize' is -2; it must be 1 or more*")
            .WithMessage("*'options.StepsPerTrial' is 0; it must be 1 or more*")
            .WithMessage("*'options.MaxTrials' is 0; it must be 1 or more*")
            .WithMessage("*'options.Headroom' is 1; it must be from 0 up to, not including, 1*")
            .WithMessage("*'options.MaxFitError' is NaN; it must be a finite number greater than zero*")
            .WithMessage("*'options.CacheKey' is \"\"; it must be a non-empty key when Cache is set*");
    }

    [Theory]
    [InlineData(8, 4, 1, "*'options.MaxMicroBatchSize' is 4; it must be no less than MinMicroBatchSize, 8*")]
    [InlineData(9, 15, 16, "*'options.Multiple' is 16; it must be a divisor of some size from MinMicroBatchSize, 9, to MaxMicroBatchSize, 15*")]
    [InlineData(9, 9, 4, "*'options.Multiple' is 4; it must be a divisor of some size from MinMicroBatchSize, 9, to MaxMicroBatchSize, 9*")]
    [InlineData(1, 3, 4, "*'options.Multiple' is 4; it must be a divisor of some size from MinMicroBatchSize, 1, to MaxMicroBatchSize, 3*")]
    public void Select_NoAllowedSize_ThrowsNamingTheRule(int min, int max, int multiple, string message)
    {
        var options = new MicroBatchSelectionOptions { MinMicroBatchSize = min, MaxMicroBatchSize = max, Multiple = multiple };

        var act = () => MicroBatchSelector.Select(NeverRuns, options);

        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Select_CacheKeyWithoutCache_Throws()
    {
        var options = new MicroBatchSelectionOptions { MaxMicroBatchSize = 8, CacheKey = "k" };

        var act = () => MicroBatchSelector.Select(NeverRuns, options);

        act.Should().Throw<ArgumentException>().WithMessage("'options.Cache' is null; it must be set when CacheKey is*");
    }

    [Fact]
    public void Select_InitialAboveMaximum_StartsAtTheMaximum()
    {
        var device = new SimulatedDevice(1000, 0, 0, 1);
        var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 12, Multiple = 4, InitialMicroBatchSize = 100 };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        selection.Trials.Should().ContainSingle().Which.MicroBatchSize.Should().Be(12);
        selection.MicroBatchSize.Should().Be(12);
    }

    [Fact]
    public void Select_MaxBelowMin_ReportsThatRuleAlone()
    {
        // With no size from 8 to 4, whether Multiple divides one is not asked.
        var options = new MicroBatchSelectionOptions { MinMicroBatchSize = 8, MaxMicroBatchSize = 4 };

        var act = () => MicroBatchSelector.Select(NeverRuns, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .Which.Message.Should().Be("'options.MaxMicroBatchSize' is 4; it must be no less than MinMicroBatchSize, 8. (Parameter 'options')");
    }

    [Fact]
    public void Select_MinAndMultipleZero_ReportsBothWithoutDividing()
    {
        var options = new MicroBatchSelectionOptions { MinMicroBatchSize = 0, MaxMicroBatchSize = 4, Multiple = 0 };

        var act = () => MicroBatchSelector.Select(NeverRuns, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .Which.Message.Should().Be(
                "'options.MinMicroBatchSize' is 0; it must be 1 or more." + Environment.NewLine
                + "'options.Multiple' is 0; it must be 1 or more. (Parameter 'options')");
    }

    [Fact]
    public void Select_MultipleZero_ReportsItWithoutDividing()
    {
        var options = new MicroBatchSelectionOptions { MinMicroBatchSize = 1, MaxMicroBatchSize = 8, Multiple = 0 };

        var act = () => MicroBatchSelector.Select(NeverRuns, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .Which.Message.Should().Be("'options.Multiple' is 0; it must be 1 or more. (Parameter 'options')");
    }

    [Fact]
    public void Select_CacheWithoutKey_Throws()
    {
        var options = new MicroBatchSelectionOptions { MaxMicroBatchSize = 8, Cache = new MicroBatchCache() };

        var act = () => MicroBatchSelector.Select(NeverRuns, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("'options.CacheKey' is null; it must be a non-empty key when Cache is set.*");
    }

    [Fact]
    public void Select_OneStepOneTrialFromOne_AreAllowed()
    {
        var device = new SimulatedDevice(1000, 0, 0, 1);
        var options = new MicroBatchSelectionOptions { Strategy = MicroBatchStrategy.Search, MaxMicroBatchSize = 8, InitialMicroBatchSize = 1, StepsPerTrial = 1, MaxTrials = 1 };

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, options);

        device.TrialLog.Should().ContainSingle().Which.Should().Be(new MicroBatchTrialArguments(1, 1, measureTime: false));
        selection.MicroBatchSize.Should().Be(1);
        selection.IsTrialLimitReached.Should().BeTrue();
    }
}
