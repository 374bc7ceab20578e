using CsCheck;
using System.Linq;
using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>ConstantSchedule</c>, behind <see cref="Schedule.Constant"/> and the conversion from a number.</summary>
public class ConstantScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.125;

    protected override double UpperBound => 0.125;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() => Schedule.Constant(0.125);

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.OneOf(Gen.Double[-1e300, 1e300], ScheduleGen.Wide).Select(v => new GeneratedSchedule(Schedule.Constant(v), v, v, 1, "Constant " + ScheduleGen.Show(v)));

    protected override Gen<InvalidCall> Invalid => ScheduleGen.NotFinite.Select(v => InvalidCall.Of(() => Schedule.Constant(v), "value", "value", v));

    [Fact]
    public void Constant_HuggingFaceGetConstantSchedule_IsTheBaseRate()
    {
        // transformers tests/optimization/test_optimization.py, ScheduleInitTest.test_schedulers:
        // get_constant_schedule with lr 10 gives [10.0] * 10.
        Approx.Sequence(Schedule.Constant(10.0), [.. Approx.Repeat(10.0, 10)]);
    }

    [Fact]
    public void Constant_OptaxTestConstant_IsTheValue()
    {
        // optax/schedules/_schedule_test.py, ConstantTest.test_constant: constant_schedule(10) over 15 counts.
        Approx.Sequence(Schedule.Constant(10), [.. Approx.Repeat(10, 15)]);
    }

    [Fact]
    public void ImplicitConversion_FromDouble_GivesConstantSchedule()
    {
        LearningRateSchedule schedule = 0.3;

        schedule.Evaluate(0).Should().Be(0.3);
        schedule.Evaluate(1e9).Should().Be(0.3);
        LearningRateSchedule.FromDouble(0.7).Evaluate(5).Should().Be(0.7);
    }
}
