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
    public void Exponential_OptaxTestExponential_MatchesExpectedValues()
    {
        // optax/schedules/_schedule_test.py, ExponentialTest.test_exponential (transition_begin = 0):
        // init 1, transition_steps 2, decay_rate 2, 15 counts; expected init * 2 ** p with p = count / 2, floored when staircase.
        foreach (bool staircase in new[] { false, true })
        {
            var schedule = Schedule.Exponential(1.0, 2.0, interval: 2, staircase: staircase);
            Approx.Sequence(schedule, Enumerable.Range(0, 15).Select(c => Math.Pow(2.0, staircase ? Math.Floor(c / 2.0) : c / 2.0)).ToArray());
        }
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
}
