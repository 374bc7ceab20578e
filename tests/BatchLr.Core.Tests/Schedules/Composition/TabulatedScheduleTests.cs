using CsCheck;
using System.Linq;
using System;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules.Composition;

/// <summary>Tests of <see cref="Schedule.Tabulate"/>.</summary>
public class TabulatedScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.0;

    protected override double UpperBound => 0.1;

    protected override LearningRateSchedule Create() => Schedule.CosineAnnealing(0.1, 0.0, 80).WithWarmup(20).Tabulate(60);

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Value, ScheduleGen.Length, Gen.Int[1, 2000])
            .Select((a, d, count) => new GeneratedSchedule(Schedule.CosineAnnealing(a, 0, d).Tabulate(count), 0, a, count, "CosineAnnealing.Tabulate " + ScheduleGen.Show(a, d, count)));

    protected override Gen<InvalidCall> Invalid =>
        Gen.Int[-1000, 0].Select(n => new InvalidCall(() => Schedule.Constant(1).Tabulate(n), "count", "count", n.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Tabulate_EveryPosition_IsBitIdenticalToTheSchedule()
    {
        LearningRateSchedule plain = Schedule.OneCycle(new OneCycleOptions { MaxLearningRate = 0.3, TotalSteps = 500, ThreePhase = true });
        LearningRateSchedule table = plain.Tabulate(400);

        // Whole positions inside the table, fractional ones, and positions past it.
        for (double t = 0; t < 700; t += 0.25)
        {
            BitConverter.DoubleToInt64Bits(table.Evaluate(t)).Should().Be(BitConverter.DoubleToInt64Bits(plain.Evaluate(t)), "at {0}", t);
        }
    }

    [Fact]
    public void Tabulate_KeepsTheClock()
    {
        Schedule.Constant(0.1).On(ProgressClock.Tokens).Tabulate(10).Clock.Should().Be(ProgressClock.Tokens);
    }

    [Fact]
    public void Tabulate_ZeroCount_Throws()
    {
        var act = () => Schedule.Constant(0.1).Tabulate(0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("count").WithMessage("*0*greater than zero*");
    }

    [Fact]
    public void Tabulate_WholePositionInTheTable_DoesNotCallTheSchedule()
    {
        int calls = 0;
        LearningRateSchedule table = Schedule.FromFunction(t => { calls++; return t / 10; }).Tabulate(4);
        calls.Should().Be(4, "the table is filled once, at positions 0 to 3");

        table.Evaluate(2).Should().Be(0.2);
        calls.Should().Be(4, "a whole position below the count is read from the table");
        table.Evaluate(2.5).Should().Be(0.25);
        calls.Should().Be(5, "a fractional position is computed");
    }
}
