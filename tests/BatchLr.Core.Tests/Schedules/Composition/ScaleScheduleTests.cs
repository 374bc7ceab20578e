using System.Linq;
using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Composition;

/// <summary>Tests of <c>ScaleSchedule</c>, behind <see cref="Schedule.Scale"/>.</summary>
public class ScaleScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.0;

    protected override double UpperBound => 0.3;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() => Schedule.CosineAnnealing(1, 0, 50).Scale(0.3);

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Value, ScheduleGen.Length, Gen.OneOf(Gen.Double[-10, 10], Gen.OneOf(0.0, 1e-300)))
            .Select((a, d, f) =>
            {
                (double low, double high) = ScheduleGen.Range(0, f * a);
                return new GeneratedSchedule(Schedule.CosineAnnealing(a, 0, d).Scale(f), low, high, d, "CosineAnnealing(a, 0, d).Scale(f) " + ScheduleGen.Show(a, d, f));
            });

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.NotFinite.Select(f => InvalidCall.Of(() => Schedule.Constant(1).Scale(f), "factor", "factor", f)),
        Gen.Double[2, 1e300].Select(f => InvalidCall.Of(() => Schedule.Constant(1e308).Scale(f), "factor", "factor", f)));

    [Fact]
    public void Scale_AnyPosition_MultipliesByFactor()
    {
        Gen.Select(Gen.Double[-10, 10], Gen.Double[0, 1e4]).Sample((factor, t) =>
        {
            var inner = Schedule.InverseSqrt(2, 10);
            inner.Scale(factor).Evaluate(t).Should().Be(inner.Evaluate(t) * factor);
        });
    }

    [Fact]
    public void Scale_KeepsInnerClock()
    {
        Schedule.Constant(1).On(ProgressClock.Epochs).Scale(2).Clock.Should().Be(ProgressClock.Epochs);
    }

    [Fact]
    public void Scale_OfAScaledScheduleThatWouldOverflow_IsRefused()
    {
        // The inner scale reaches |1e100| · 1e200 = 1e300, so a further factor 1e10 would give 1e310, past the largest double.
        Action act = () => Schedule.Constant(1e200).Scale(-1e100).Scale(1e10);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("factor")
            .WithMessage("*'factor' is 10000000000; it must be small enough that factor times the schedule's largest magnitude, 1E+300, is finite*");
    }
}
