using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>RestartsSchedule</c> with its polynomial curve, behind <see cref="Schedule.PolynomialWithRestarts"/> (timm's PolyLRScheduler).</summary>
public class PolynomialWithRestartsTests : ScheduleConformanceTests
{
    // With CycleDecay 0.9 the peak falls below the floor after many cycles, and timm's lr_min + (peak - lr_min) · f follows it down.
    protected override double LowerBound => 0.0;

    protected override double UpperBound => 1.0;

    protected override LearningRateSchedule Create() =>
        Schedule.PolynomialWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.01, Period = 7, PeriodMultiplier = 1.5, CycleDecay = 0.9, KDecay = 1.5 }, power: 0.7);

    [Fact]
    public void PolynomialWithRestarts_KDecayAndCycles_MatchHandComputedTimmValues()
    {
        // timm/scheduler/poly_lr.py, PolyLRScheduler._get_lr with base lr 0.1, t_initial 10, power 0.5, lr_min 0.01,
        // cycle_mul 2, cycle_decay 0.5, cycle_limit 3, k_decay 2:
        // i = floor(log_2(1 + t / 10)), t_i = 2^i · 10, t_curr = t - (2^i - 1) · 10, lr_max = 0.1 · 0.5^i,
        // lr = lr_min + (lr_max - lr_min) · (1 - t_curr^2 / t_i^2)^0.5 while i < 3, else lr_min.
        var schedule = Schedule.PolynomialWithRestarts(
            new RestartsOptions { MaxValue = 0.1, MinValue = 0.01, Period = 10, PeriodMultiplier = 2, CycleDecay = 0.5, CycleLimit = 3, KDecay = 2 },
            power: 0.5);

        Approx.Equal(0.1, schedule.Evaluate(0));
        Approx.Equal(0.01 + (0.09 * Math.Sqrt(0.75)), schedule.Evaluate(5));      // i = 0: 1 - 25/100
        Approx.Equal(0.01 + (0.09 * Math.Sqrt(0.19)), schedule.Evaluate(9));      // i = 0: 1 - 81/100
        Approx.Equal(0.05, schedule.Evaluate(10));                                // i = 1, t_curr = 0: lr_max = 0.05
        Approx.Equal(0.01 + (0.04 * Math.Sqrt(0.75)), schedule.Evaluate(20));     // i = 1, t_curr = 10, t_i = 20: 1 - 100/400
        Approx.Equal(0.025, schedule.Evaluate(30));                               // i = 2, t_curr = 0: lr_max = 0.025
        Approx.Equal(0.01 + (0.015 * Math.Sqrt(1 - (400.0 / 1600))), schedule.Evaluate(50)); // i = 2, t_curr = 20, t_i = 40
        schedule.Evaluate(70).Should().Be(0.01, "cycle 3 reaches cycle_limit");
        schedule.Evaluate(1e6).Should().Be(0.01);
    }

    [Fact]
    public void PolynomialWithRestarts_AnyPosition_MatchesTimmFormula()
    {
        // The same _get_lr, written out for fractional positions and one cycle length: i = t // t_initial, t_curr = t - t_initial · i.
        var schedule = Schedule.PolynomialWithRestarts(
            new RestartsOptions { MaxValue = 0.3, MinValue = 0.02, Period = 6, CycleDecay = 0.8, CycleLimit = 4, KDecay = 0.5 },
            power: 1.7);

        for (double t = 0; t < 40; t += 0.37)
        {
            double i = Math.Floor(t / 6);
            double current = t - (6 * i);
            double expected = i >= 4 ? 0.02 : 0.02 + (((0.3 * Math.Pow(0.8, i)) - 0.02) * Math.Pow(1 - (Math.Pow(current, 0.5) / Math.Pow(6, 0.5)), 1.7));
            Approx.Equal(expected, schedule.Evaluate(t), 1e-12, "at t = " + t);
        }
    }

    [Fact]
    public void PolynomialWithRestarts_OneCycle_EqualsPolynomialThenHolds()
    {
        var restarts = Schedule.PolynomialWithRestarts(new RestartsOptions { MaxValue = 0.5, MinValue = 0.05, Period = 8, CycleLimit = 1 }, power: 2);
        var polynomial = Schedule.Polynomial(0.5, 0.05, 8, power: 2);

        for (double t = 0; t < 20; t += 0.5)
        {
            Approx.Equal(polynomial.Evaluate(t), restarts.Evaluate(t), 1e-12, "at t = " + t);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void PolynomialWithRestarts_PowerNotPositive_NamesPowerAndTheRule(double power)
    {
        var act = () => Schedule.PolynomialWithRestarts(new RestartsOptions { MaxValue = 1, Period = 3 }, power);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("power");
    }

    [Fact]
    public void PolynomialWithRestarts_AnyParameters_IsFiniteAndBounded()
    {
        Gen.Select(Gen.Double[0, 1], Gen.Double[1e-2, 1e3], Gen.Double[1, 4], Gen.Double[0.1, 3])
            .Select(Gen.Double[0.05, 5], Gen.Double[0, 1e7])
            .Sample((p, power, t) =>
            {
                var (min, period, multiplier, k) = p;
                var schedule = Schedule.PolynomialWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = min, Period = period, PeriodMultiplier = multiplier, KDecay = k }, power);
                double v = schedule.Evaluate(t);
                double.IsFinite(v).Should().BeTrue();
                Approx.InRange(v, min, 1.0);
            });
    }
}
