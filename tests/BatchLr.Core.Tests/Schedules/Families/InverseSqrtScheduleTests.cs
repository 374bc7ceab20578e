using System.Linq;
using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>InverseSqrtSchedule</c>, behind <see cref="Schedule.InverseSqrt"/> and <see cref="Schedule.Noam"/>.</summary>
public class InverseSqrtScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0;

    protected override double UpperBound => 0.01;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() => Schedule.InverseSqrt(0.01, 20);

    protected override Gen<GeneratedSchedule> Generated => Gen.OneOf(
        Gen.Select(ScheduleGen.Value, ScheduleGen.Length)
            .Select((i, s) => new GeneratedSchedule(Schedule.InverseSqrt(i, s), 0, i, s, "InverseSqrt " + ScheduleGen.Show(i, s))),
        Gen.Select(Gen.Double[1, 1e5], Gen.Double[1e-3, 1e5], Gen.Double[1e-3, 10])
            .Select((d, w, f) => new GeneratedSchedule(Schedule.Noam(d, w, f), 0, f / Math.Sqrt(d) / Math.Sqrt(w), w, "Noam " + ScheduleGen.Show(d, w, f))));

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.NotPositive.Select(s => InvalidCall.Of(() => Schedule.InverseSqrt(1, s), "timescale", "timescale", s)),
        ScheduleGen.NotPositive.Select(d => InvalidCall.Of(() => Schedule.Noam(d, 4000), "modelSize", "modelSize", d)),
        Gen.Double[1e200, 1e300].Select(f => InvalidCall.Of(() => Schedule.Noam(1e-300, 1e-300, f), "factor", "factor", f)));

    [Fact]
    public void InverseSqrt_AnyPosition_MatchesFormula()
    {
        var schedule = Schedule.InverseSqrt(3.0, 7);
        for (double t = 0; t < 100; t += 0.9)
        {
            Approx.Equal(3.0 / Math.Sqrt((t + 7) / 7), schedule.Evaluate(t));
        }
    }

    [Fact]
    public void InverseSqrt_HuggingFaceInverseSqrtWithWarmup_MatchesExpectedList()
    {
        // transformers tests/optimization/test_optimization.py, ScheduleInitTest.test_schedulers: get_inverse_sqrt_schedule
        // with lr 10, num_warmup_steps 2 (timescale defaults to the warmup) gives
        // [0.0, 5.0, 10.0, 8.165, 7.071, 6.325, 5.774, 5.345, 5.0, 4.714]; HF asserts within 1e-2, so we do too.
        var schedule = Schedule.InverseSqrt(10, 2).WithWarmup(2);
        Approx.SequenceWithin(schedule, [0.0, 5.0, 10.0, 8.165, 7.071, 6.325, 5.774, 5.345, 5.0, 4.714], 1e-2);

        // HF's lambda: s / W during warmup, then 1 / sqrt((s + timescale - W) / timescale).
        for (int s = 0; s < 50; s++)
        {
            double expected = s < 2 ? 10.0 * s / 2 : 10.0 / Math.Sqrt((s + 2 - 2) / 2.0);
            Approx.Equal(expected, schedule.Evaluate(s));
        }
    }

    [Fact]
    public void Noam_AnyStep_MatchesVaswaniFormula()
    {
        // "Attention Is All You Need", eq. 3: lrate = factor * d_model^-0.5 * min(step^-0.5, step * warmup^-1.5).
        var schedule = Schedule.Noam(512, 4000, factor: 2);
        Approx.Equal(0, schedule.Evaluate(0));
        for (int step = 1; step < 20000; step += 37)
        {
            double expected = 2 * Math.Pow(512, -0.5) * Math.Min(Math.Pow(step, -0.5), step * Math.Pow(4000, -1.5));
            Approx.Equal(expected, schedule.Evaluate(step));
        }
    }

    [Fact]
    public void InverseSqrt_AnyParameters_IsNonIncreasingAndBounded()
    {
        Gen.Select(Gen.Double[0, 10], Gen.Double[1e-3, 1e5], Gen.Double[0, 1e9], Gen.Double[0, 1e9])
            .Sample((initial, timescale, t1, t2) =>
            {
                var schedule = Schedule.InverseSqrt(initial, timescale);
                double v1 = schedule.Evaluate(Math.Min(t1, t2));
                double v2 = schedule.Evaluate(Math.Max(t1, t2));
                v1.Should().BeInRange(0, initial);
                v2.Should().BeLessThanOrEqualTo(v1);
            });
    }
}
