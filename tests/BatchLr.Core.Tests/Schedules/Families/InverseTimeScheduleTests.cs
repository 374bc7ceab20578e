using System.Linq;
using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>InverseTimeSchedule</c>, behind <see cref="Schedule.InverseTime"/>.</summary>
public class InverseTimeScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0;

    protected override double UpperBound => 0.1;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() => Schedule.InverseTime(0.1, 0.5, 7);

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Value, Gen.OneOf(Gen.Double[0, 1e6], Gen.OneOf(0.0, 1e300)), ScheduleGen.Length, Gen.Bool)
            .Select((i, r, n, stairs) => new GeneratedSchedule(Schedule.InverseTime(i, r, n, stairs), 0, i, n, "InverseTime " + ScheduleGen.Show(i, r, n) + " " + stairs));

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.Negative.Select(r => InvalidCall.Of(() => Schedule.InverseTime(1, r, 10), "decayRate", "decayRate", r)),
        ScheduleGen.NotPositive.Select(n => InvalidCall.Of(() => Schedule.InverseTime(1, 0.5, n), "decaySteps", "decaySteps", n)),
        ScheduleGen.NotFinite.Select(i => InvalidCall.Of(() => Schedule.InverseTime(i, 0.5, 10), "initial", "initial", i)));

    [Fact]
    public void InverseTime_KerasTestDecay_MatchesFormula()
    {
        // keras learning_rate_schedule_test.py, InverseTimeDecayTest.test_decay: InverseTimeDecay(0.1, k=10, 0.96),
        // expected initial_lr / (1 + i / k * decay_rate) for i in range(k + 1).
        var schedule = Schedule.InverseTime(0.1, 0.96, 10);
        for (int i = 0; i <= 10; i++)
        {
            Approx.Equal(0.1 / (1 + (i / 10.0 * 0.96)), schedule.Evaluate(i));
        }
    }

    [Fact]
    public void InverseTime_KerasTestStaircase_MatchesFormula()
    {
        // keras learning_rate_schedule_test.py, InverseTimeDecayTest.test_staircase: expected initial_lr / (1 + decay_rate * (i // k)).
        var schedule = Schedule.InverseTime(0.1, 0.96, 10, staircase: true);
        for (int i = 0; i <= 10; i++)
        {
            Approx.Equal(0.1 / (1 + (0.96 * (i / 10))), schedule.Evaluate(i));
        }
    }

    [Fact]
    public void InverseTime_FractionalPositions_MatchFormula()
    {
        var schedule = Schedule.InverseTime(2.0, 0.3, 4.5);
        for (double t = 0; t < 50; t += 0.7)
        {
            Approx.Equal(2.0 / (1 + (0.3 * t / 4.5)), schedule.Evaluate(t));
        }
    }

    [Fact]
    public void InverseTime_AnyParameters_IsNonIncreasingAndBounded()
    {
        Gen.Select(Gen.Double[0, 10], Gen.Double[0, 10], Gen.Double[1e-3, 1e3], Gen.Bool)
            .Select(Gen.Double[0, 1e7], Gen.Double[0, 1e7])
            .Sample((p, t1, t2) =>
            {
                var (initial, rate, steps, staircase) = p;
                var schedule = Schedule.InverseTime(initial, rate, steps, staircase);
                double v1 = schedule.Evaluate(Math.Min(t1, t2));
                double v2 = schedule.Evaluate(Math.Max(t1, t2));
                v1.Should().BeInRange(0, initial);
                v2.Should().BeLessThanOrEqualTo(v1);
            });
    }
}
