using System;
using System.Linq;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>ExponentialSchedule</c>, behind <see cref="Schedule.Exponential"/> and <see cref="Schedule.Step"/>.</summary>
public class ExponentialScheduleTests : ScheduleConformanceTests
{
    private static readonly double[] Bases = [0.05, 0.5];

    protected override double LowerBound => 0;

    protected override double UpperBound => 0.2;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() => Schedule.Exponential(0.2, 0.97, interval: 2.5);

    protected override Gen<GeneratedSchedule> Generated => Gen.OneOf(
        Gen.Select(ScheduleGen.Signed, ScheduleGen.Decay, ScheduleGen.Length, Gen.Bool)
            .Select((i, r, n, stairs) => new GeneratedSchedule(Schedule.Exponential(i, r, n, stairs), Math.Min(0, i), Math.Max(0, i), n, "Exponential " + ScheduleGen.Show(i, r, n) + " " + stairs)),
        Gen.Select(ScheduleGen.Signed, ScheduleGen.Length, ScheduleGen.Decay)
            .Select((i, n, g) => new GeneratedSchedule(Schedule.Step(i, n, g), Math.Min(0, i), Math.Max(0, i), n, "Step " + ScheduleGen.Show(i, n, g))),
        Gen.Select(ScheduleGen.Value, Gen.OneOf(ScheduleGen.Decay, ScheduleGen.Growth), ScheduleGen.Value, ScheduleGen.Length, Gen.Bool)
            .Select((i, r, end, n, stairs) => new GeneratedSchedule(
                Schedule.BoundedExponential(i, r, end, n, stairs), Math.Min(i, end), Math.Max(i, end), n, "BoundedExponential " + ScheduleGen.Show(i, r, end, n) + " " + stairs)));

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        Gen.OneOf(ScheduleGen.Growth, ScheduleGen.NotPositive).Select(r => InvalidCall.Of(() => Schedule.Exponential(0.1, r), "rate", "rate", r)),
        Gen.OneOf(ScheduleGen.Growth, ScheduleGen.NotPositive).Select(g => InvalidCall.Of(() => Schedule.Step(0.1, 10, g), "gamma", "gamma", g)),
        ScheduleGen.NotPositive.Select(n => InvalidCall.Of(() => Schedule.Exponential(0.1, 0.5, n), "interval", "interval", n)),
        ScheduleGen.NotFinite.Select(i => InvalidCall.Of(() => Schedule.Step(i, 10), "initial", "initial", i)),
        ScheduleGen.NotFinite.Select(e => InvalidCall.Of(() => Schedule.BoundedExponential(0.1, 2, e), "endValue", "endValue", e)),
        Gen.Double[-10, -1e-9].Select(i => InvalidCall.Of(() => Schedule.BoundedExponential(i, 2, 1), "initial", "initial", i)));

    [Fact]
    public void Exponential_AnyPosition_MatchesFormula()
    {
        var smooth = Schedule.Exponential(0.3, 0.8, interval: 3);
        var stairs = Schedule.Exponential(0.3, 0.8, interval: 3, staircase: true);

        for (double t = 0; t < 40; t += 0.3)
        {
            Approx.Equal(0.3 * Math.Pow(0.8, t / 3), smooth.Evaluate(t));
            Approx.Equal(0.3 * Math.Pow(0.8, Math.Floor(t / 3)), stairs.Evaluate(t));
        }
    }

    [Fact]
    public void Exponential_PyTorchTestExpLr_MatchesTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_exp_lr: ExponentialLR(gamma=0.9), targets base * 0.9 ** x, x < 10.
        foreach (double b in Bases)
        {
            Approx.Sequence(Schedule.Exponential(b, 0.9), Enumerable.Range(0, 10).Select(x => b * Math.Pow(0.9, x)).ToArray());
        }
    }

    [Fact]
    public void Step_PyTorchTestStepLr_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_step_lr: StepLR(gamma=0.1, step_size=3), epochs = 10,
        // targets [0.05] * 3 + [0.005] * 3 + [0.0005] * 3 + [0.00005] * 3 (and x 10 for the second group).
        double[] single = [.. Approx.Repeat(0.05, 3), .. Approx.Repeat(0.005, 3), .. Approx.Repeat(0.0005, 3), .. Approx.Repeat(0.00005, 3)];
        Approx.Sequence(Schedule.Step(0.05, 3, 0.1), single[..10]);
        Approx.Sequence(Schedule.Step(0.5, 3, 0.1), single[..10].Select(x => x * 10).ToArray());
    }

    [Fact]
    public void Step_PyTorchTestGetLastLrStepLr_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_get_last_lr_step_lr: SGD lr 0.1, StepLR(3, gamma=0.1),
        // targets [0.1] * 3 + [0.01] * 3 + [0.001] * 3 + [0.0001].
        Approx.Sequence(Schedule.Step(0.1, 3, 0.1), [.. Approx.Repeat(0.1, 3), .. Approx.Repeat(0.01, 3), .. Approx.Repeat(0.001, 3), 0.0001]);
    }

    [Fact]
    public void BoundedExponential_OptaxTestExponential_MatchesExpectedValues()
    {
        // optax/schedules/_schedule_test.py, ExponentialTest.test_exponential (transition_begin = 0):
        // init 1, transition_steps 2, decay_rate 2, 15 counts; expected init * 2 ** p with p = count / 2, floored when staircase.
        // A growth needs an end value here; 2^7 = 128 is the largest expected value, so an end of 1000 never clips.
        foreach (bool staircase in new[] { false, true })
        {
            var schedule = Schedule.BoundedExponential(1.0, 2.0, endValue: 1000, interval: 2, staircase: staircase);
            Approx.Sequence(schedule, Enumerable.Range(0, 15).Select(c => Math.Pow(2.0, staircase ? Math.Floor(c / 2.0) : c / 2.0)).ToArray());
        }
    }

    [Fact]
    public void BoundedExponential_OptaxTestEndValueWithStaircase_MatchesFloorOrCeiling()
    {
        // optax _schedule_test.py, ExponentialTest.test_end_value_with_staircase (transition_begin 3 written as our prefix
        // Sequence with the initial value, which optax clips too): init 1, transition_steps 2; decay_rate < 1 gives
        // max(values, end_value), else min(values, end_value).
        foreach (var (rate, end) in new[] { (0.2, 0.1), (1.0, 0.1), (2.0, 3.0) })
        {
            foreach (bool staircase in new[] { false, true })
            {
                double begin = rate < 1.0 ? Math.Max(1.0, end) : Math.Min(1.0, end);
                var schedule = Schedule.Sequence([Schedule.Constant(begin), Schedule.BoundedExponential(1.0, rate, end, interval: 2, staircase: staircase)], [3]);
                for (int count = 0; count < 14; count++)
                {
                    double raw = count < 3 ? 1.0 : Math.Pow(rate, staircase ? Math.Floor((count - 3) / 2.0) : (count - 3) / 2.0);
                    double expected = rate < 1.0 ? Math.Max(raw, end) : Math.Min(raw, end);
                    Approx.Equal(expected, schedule.Evaluate(count));
                }
            }
        }
    }

    [Fact]
    public void BoundedExponential_GrowthAtFarPositions_HoldsTheEndValue()
    {
        // 1e-3 · 1.1^t passes 10 at t = ln(1e4) / ln(1.1) ≈ 96.6; from there on the ceiling holds, however far.
        var schedule = Schedule.BoundedExponential(1e-3, 1.1, endValue: 10);

        Approx.Equal(1e-3 * Math.Pow(1.1, 96), schedule.Evaluate(96));
        foreach (double far in (double[])[97, 1e4, 1e9, 1e15, 1e300])
        {
            schedule.Evaluate(far).Should().Be(10, "position {0} is past the end of the growth", far);
        }

        Schedule.BoundedExponential(0.0, 3.0, endValue: 1).Evaluate(1e15).Should().Be(0, "0 · 3^t is 0, not 0 · ∞");
    }

    [Theory]
    [InlineData(1.0000001)]
    [InlineData(2.0)]
    [InlineData(1e300)]
    public void Exponential_RateAboveOne_ThrowsNamingRateValueAndRule(double rate)
    {
        // Above 1 the value passes every finite number: initial · rate^t > MaxValue once t > log(MaxValue / initial) / log(rate).
        var act = () => Schedule.Exponential(0.1, rate);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(rate))
            .WithMessage("'rate' is " + rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "; it must be at most 1*grows without bound*");
    }

    [Fact]
    public void Step_GammaAboveOne_ThrowsNamingGammaValueAndRule()
    {
        var act = () => Schedule.Step(0.1, 10, 1.5);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("gamma").WithMessage("'gamma' is 1.5; it must be at most 1*");
    }

    [Fact]
    public void BoundedExponential_NegativeInitialGrowing_Throws()
    {
        var act = () => Schedule.BoundedExponential(-1.0, 2.0, endValue: 5);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("initial").WithMessage("'initial' is -1; it must be zero or more when rate is above 1*");
    }

    [Fact]
    public void Exponential_OptaxTestImmutableCount_MatchesExpectedValues()
    {
        // optax _schedule_test.py, ExponentialTest.test_immutable_count: exponential_decay(32, transition_steps=1, decay_rate=0.5)
        // gives [32, 16, 8, 4, 2].
        Approx.Sequence(Schedule.Exponential(32, 0.5), [32, 16, 8, 4, 2]);
    }

    [Fact]
    public void Exponential_KerasExponentialDecayTests_MatchFormula()
    {
        // keras learning_rate_schedule_test.py, ExponentialDecayTest.test_continuous: ExponentialDecay(0.05, 10, 0.96) at 5
        // is 0.05 * 0.96 ** (5 / 10); test_staircase: ExponentialDecay(0.1, 3, 0.96, staircase=True) is 0.1 at 1 and 2,
        // 0.1 * 0.96 ** (100 // 3) at 100.
        Approx.Equal(0.05 * Math.Pow(0.96, 5.0 / 10.0), Schedule.Exponential(0.05, 0.96, interval: 10).Evaluate(5));
        var stairs = Schedule.Exponential(0.1, 0.96, interval: 3, staircase: true);
        Approx.Equal(0.1, stairs.Evaluate(1));
        Approx.Equal(0.1, stairs.Evaluate(2));
        Approx.Equal(0.1 * Math.Pow(0.96, 100 / 3), stairs.Evaluate(100));
    }

    [Fact]
    public void Exponential_RateBelowOne_IsFiniteBoundedAndNonIncreasing()
    {
        Gen.Select(Gen.Double[0, 10], Gen.Double[1e-3, 0.999999], Gen.Double[1e-3, 1e3], Gen.Bool)
            .Select(Gen.Double[0, 1e7], Gen.Double[0, 1e7])
            .Sample((p, t1, t2) =>
            {
                var (initial, rate, interval, staircase) = p;
                var schedule = Schedule.Exponential(initial, rate, interval, staircase);
                double v1 = schedule.Evaluate(Math.Min(t1, t2));
                double v2 = schedule.Evaluate(Math.Max(t1, t2));
                double.IsFinite(v1).Should().BeTrue();
                v1.Should().BeInRange(0, initial);
                v2.Should().BeLessThanOrEqualTo(v1);
            });
    }

    [Fact]
    public void Step_AnyParameters_IsNonIncreasingAndConstantWithinAPeriod()
    {
        Gen.Select(Gen.Double[0, 10], Gen.Double[1e-2, 1e3], Gen.Double[1e-3, 1], Gen.Int[0, 1000], Gen.Double[0, 0.999])
            .Sample((initial, stepSize, gamma, k, fraction) =>
            {
                var schedule = Schedule.Step(initial, stepSize, gamma);
                double start = schedule.Evaluate(k * stepSize);
                double inside = schedule.Evaluate((k + fraction) * stepSize);
                double next = schedule.Evaluate((k + 1.5) * stepSize);
                inside.Should().BeLessThanOrEqualTo(schedule.Evaluate(0));
                next.Should().BeLessThanOrEqualTo(inside);
                Approx.Equal(initial * Math.Pow(gamma, Math.Floor((k + 1.5) * stepSize / stepSize)), next);
                start.Should().BeGreaterThanOrEqualTo(next);
            });
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Exponential_RateAtMostOne_DeclaresTheInitialMagnitude(double rate)
    {
        // initial · rate^t never grows for rate ≤ 1, so |initial| bounds it.
        Magnitude.IsStatedAs(Schedule.Exponential(-2, rate), "2");
    }

    [Fact]
    public void BoundedExponential_Growth_DeclaresTheCeiling()
    {
        // 1 · 2^t grows to the end value 10 and holds it: the magnitude is the ceiling, not the initial value.
        Magnitude.IsStatedAs(Schedule.BoundedExponential(1, 2, endValue: 10), "10");
    }
}
