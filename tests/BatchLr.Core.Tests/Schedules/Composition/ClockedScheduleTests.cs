using CsCheck;
using System.Linq;
using System;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules.Composition;

/// <summary>Tests of <c>ClockedSchedule</c>, behind <see cref="Schedule.On"/>.</summary>
public class ClockedScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.0;

    protected override double UpperBound => 1.0;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() => Schedule.CosineAnnealing(1, 0, 80).On(ProgressClock.Samples);

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Value, ScheduleGen.Length, Gen.OneOf(ProgressClock.Steps, ProgressClock.Samples, ProgressClock.Tokens, ProgressClock.Epochs))
            .Select((a, d, clock) => new GeneratedSchedule(Schedule.CosineAnnealing(a, 0, d).On(clock), 0, a, d, "CosineAnnealing.On " + clock + " " + ScheduleGen.Show(a, d)));

    protected override Gen<InvalidCall> Invalid =>
        Gen.Int[4, 100].Select(c => new InvalidCall(() => Schedule.Constant(1).On((ProgressClock)c), "clock", "clock", c.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(ProgressClock.Steps, 10.0)]
    [InlineData(ProgressClock.Samples, 640.0)]
    [InlineData(ProgressClock.Tokens, 81920.0)]
    [InlineData(ProgressClock.Epochs, 0.25)]
    public void On_Clock_ReadsThatClockFromProgress(ProgressClock clock, double position)
    {
        var inner = Schedule.Linear(0, 1, 100000);
        var schedule = inner.On(clock);
        var progress = new TrainingProgress(step: 10, samples: 640, tokens: 81920, epoch: 0.25);

        schedule.Clock.Should().Be(clock);
        schedule.Evaluate(progress).Should().Be(inner.Evaluate(position));
    }

    [Fact]
    public void On_Samples_SurvivesBatchSizeChange()
    {
        // 100 steps of 32 samples then 50 steps of 64: steps and samples diverge, the sample clock keeps the curve.
        var schedule = Schedule.Linear(1, 0, 12800).On(ProgressClock.Samples);

        schedule.Evaluate(new TrainingProgress(step: 150, samples: (100 * 32) + (50 * 64))).Should().Be(schedule.Evaluate(6400.0));
    }
}
