using System;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules;

public class ScheduleSmokeTests
{
    [Fact]
    public void CosineAnnealing_AtHalfway_IsMidpointOfBounds()
    {
        var schedule = Schedule.CosineAnnealing(0.1, 0.0, 100);

        // (1 + cos(pi / 2)) / 2 = 0.5.
        schedule.Evaluate(50).Should().BeApproximately(0.05, 1e-15);
        schedule.Evaluate(0).Should().Be(0.1);
        schedule.Evaluate(100).Should().Be(0.0);
        schedule.Evaluate(1000).Should().Be(0.0);
    }

    [Fact]
    public void Evaluate_NegativePosition_ThrowsNamingParameter()
    {
        var schedule = Schedule.Constant(0.1);

        var act = () => schedule.Evaluate(-1);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("position").WithMessage("*-1*zero or more*");
    }
}
