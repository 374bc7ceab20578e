using System;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.TestSupport;

/// <summary>Reads the largest magnitude a schedule declares, through the one public place that states it.</summary>
internal static class Magnitude
{
    /// <summary>
    /// Asserts that <see cref="Schedule.Scale"/> refuses the largest double as a factor and names <paramref name="magnitude"/>
    /// as the schedule's largest magnitude: any declared magnitude above 1 overflows with that factor.
    /// </summary>
    public static void IsStatedAs(LearningRateSchedule schedule, string magnitude)
    {
        var act = () => schedule.Scale(double.MaxValue);

        act.Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("factor")
            .WithMessage("*'factor' is 1.7976931348623157E+308; it must be small enough that factor times the schedule's largest magnitude, " + magnitude + ", is finite*");
    }

    /// <summary>Asserts that <see cref="Schedule.Scale"/> accepts the largest double as a factor: the schedule declares no finite magnitude (or one of at most 1).</summary>
    public static void IsUnknown(LearningRateSchedule schedule)
    {
        var act = () => schedule.Scale(double.MaxValue);

        act.Should().NotThrow();
    }
}
