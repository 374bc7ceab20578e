using System;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Progress;

/// <summary>Tests of <see cref="TrainingProgress"/>.</summary>
public class TrainingProgressTests
{
    [Fact]
    public void On_EachClock_ReturnsItsCount()
    {
        var progress = new TrainingProgress(step: 7, samples: 224, tokens: 229376, epoch: 0.5);

        progress.On(ProgressClock.Steps).Should().Be(7);
        progress.On(ProgressClock.Samples).Should().Be(224);
        progress.On(ProgressClock.Tokens).Should().Be(229376);
        progress.On(ProgressClock.Epochs).Should().Be(0.5);
        ((Action)(() => progress.On((ProgressClock)8))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("clock");
    }

    [Fact]
    public void AtStep_SetsOnlySteps()
    {
        TrainingProgress.AtStep(12).Should().Be(new TrainingProgress(12, 0, 0, 0));
    }

    [Fact]
    public void Constructor_NegativeOrNonFinite_ThrowsNamingTheCount()
    {
        ((Action)(() => _ = new TrainingProgress(-1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("step").WithMessage("*'step' is -1; it must be zero or more*");
        ((Action)(() => _ = new TrainingProgress(0, samples: -2))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("samples");
        ((Action)(() => _ = new TrainingProgress(0, tokens: -3))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("tokens");
        ((Action)(() => _ = new TrainingProgress(0, epoch: double.NaN))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("epoch").WithMessage("*'epoch' is NaN*zero or more*");
        ((Action)(() => _ = new TrainingProgress(0, epoch: double.PositiveInfinity))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("epoch");
    }

    [Fact]
    public void Equality_ComparesEveryClock()
    {
        var a = new TrainingProgress(1, 2, 3, 0.25);

        (a == new TrainingProgress(1, 2, 3, 0.25)).Should().BeTrue();
        (a != new TrainingProgress(1, 2, 4, 0.25)).Should().BeTrue();
        a.GetHashCode().Should().Be(new TrainingProgress(1, 2, 3, 0.25).GetHashCode());
        a.ToString().Should().Be("step 1, samples 2, tokens 3, epoch 0.25");
    }

    [Fact]
    public void Evaluate_ScheduleOnSamples_ReadsSamplesNotSteps()
    {
        var schedule = Schedule.Linear(1.0, 0.0, 1000).On(ProgressClock.Samples);

        schedule.Evaluate(new TrainingProgress(step: 900, samples: 250)).Should().Be(0.75);
        Schedule.Linear(1.0, 0.0, 1000).Evaluate(new TrainingProgress(step: 900, samples: 250)).Should().BeApproximately(0.1, 1e-15);
    }
}
