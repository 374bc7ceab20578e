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
}
