using System.Linq;
using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>CyclicPolynomialSchedule</c>, behind <see cref="Schedule.Polynomial"/> with <c>cycle: true</c>.</summary>
public class CyclicPolynomialScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.001;

    protected override double UpperBound => 0.05;

    protected override LearningRateSchedule Create() => Schedule.Polynomial(0.05, 0.001, 7.3, power: 0.5, cycle: true);

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Wide, ScheduleGen.Wide, ScheduleGen.Length, Gen.Double[1e-3, 50])
            .Select((i, e, d, p) =>
            {
                (double low, double high) = ScheduleGen.Range(i, e);
                return new GeneratedSchedule(Schedule.Polynomial(i, e, d, p, cycle: true), low, high, d, "Polynomial cycle " + ScheduleGen.Show(i, e, d, p));
            });

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.NotPositive.Select(d => InvalidCall.Of(() => Schedule.Polynomial(1, 0, d, cycle: true), "duration", "duration", d)),
        ScheduleGen.NotPositive.Select(p => InvalidCall.Of(() => Schedule.Polynomial(1, 0, 10, p, cycle: true), "power", "power", p)));

    [Fact]
    public void Polynomial_Cycle_MatchesKerasFormula()
    {
        var schedule = Schedule.Polynomial(0.3, 0.01, 4, power: 1.7, cycle: true);

        for (double t = 0; t < 30; t += 0.35)
        {
            double horizon = 4 * Math.Max(1, Math.Ceiling(t / 4));
            Approx.Equal(0.01 + ((0.3 - 0.01) * Math.Pow(1 - (t / horizon), 1.7)), schedule.Evaluate(t));
        }
    }

    [Fact]
    public void Polynomial_KerasBeyondEndWithCycle_MatchesExpected()
    {
        // keras learning_rate_schedule_test.py, LinearDecayTest.test_beyond_end_with_cycle: PolynomialDecay(0.05, 10, 0.001,
        // cycle=True) at 15 is (lr - end_lr) * 0.25 + end_lr; SqrtDecayTest.test_beyond_end_with_cycle with power 0.5 is
        // (lr - end_lr) * 0.25 ** 0.5 + end_lr; SqrtDecayTest.test_begin_with_cycle: PolynomialDecay(0.001, 10, cycle=True) at 0 is lr.
        Approx.Equal(((0.05 - 0.001) * 0.25) + 0.001, Schedule.Polynomial(0.05, 0.001, 10, cycle: true).Evaluate(15));
        Approx.Equal(((0.05 - 0.001) * Math.Pow(0.25, 0.5)) + 0.001, Schedule.Polynomial(0.05, 0.001, 10, power: 0.5, cycle: true).Evaluate(15));
        Approx.Equal(0.001, Schedule.Polynomial(0.001, 0.0001, 10, cycle: true).Evaluate(0));
    }

    [Fact]
    public void Polynomial_CycleAnyPosition_IsFiniteAndWithinEnds()
    {
        Gen.Select(Gen.Double[1e-3, 100], Gen.Double[0.05, 3], Gen.Double[0, 1e6])
            .Sample((steps, power, t) =>
            {
                double v = Schedule.Polynomial(1.0, 0.1, steps, power, cycle: true).Evaluate(t);
                double.IsFinite(v).Should().BeTrue("position {0} with period {1} and power {2}", t, steps, power);
                Approx.InRange(v, 0.1, 1.0);
            });
    }

    [Fact]
    public void Polynomial_CycleAtWholeMultipleOfPeriodPlusRounding_IsFinite()
    {
        // A position a rounding step past a multiple of the period: t / steps can round down to the multiple k while
        // t > k · steps, so 1 - t / H must not go below zero for a fractional power.
        Gen.Select(Gen.Double[1e-3, 100], Gen.Int[1, 100000])
            .Sample((steps, k) =>
            {
                double t = Math.BitIncrement(k * steps);
                double v = Schedule.Polynomial(1.0, 0.1, steps, power: 0.5, cycle: true).Evaluate(t);
                double.IsFinite(v).Should().BeTrue("position {0} with period {1}", t, steps);
            });
    }

    [Fact]
    public void Polynomial_CycleEitherEnd_DeclaresTheLargerAsItsMagnitude()
    {
        // Every cycle moves between the two values, here 0.5 and 3.
        Magnitude.IsStatedAs(Schedule.Polynomial(0.5, 3, 10, cycle: true), "3");
    }

    [Fact]
    public void Polynomial_CycleKerasAssociation_MatchesBitForBit()
    {
        // Keras' PolynomialDecay: (initial - end) · (1 - t / H)^power + end, H = 10 · ceil(14 / 10) = 20 at t = 14; the other
        // association, end · (1 - d) + initial · d, differs there in the last bit.
        Schedule.Polynomial(1.0, 0.1, 10, power: 2, cycle: true).Evaluate(14).Should().Be(((1.0 - 0.1) * Math.Pow(1 - (14 / 20.0), 2)) + 0.1);
    }

    [Fact]
    public void Polynomial_CyclePositionJustPastAMultiple_TakesTheNextHorizon()
    {
        // The double 0.9 is above 3 times the double 0.3 (0.3 · 3 rounds to 0.8999999999999999), though 0.9 / 0.3 rounds to 3:
        // t is in the fourth cycle, H = 4 · 0.3 = 1.2, t / H = 0.75, so v = 0.1 + 0.9 · (1 - 0.75).
        Approx.Equal(0.1 + (0.9 * 0.25), Schedule.Polynomial(1.0, 0.1, 0.3, cycle: true).Evaluate(0.9), 1e-12);
    }
}
