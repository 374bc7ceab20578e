using System;
using System.Linq;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>PiecewiseConstantSchedule</c>, behind <see cref="Schedule.PiecewiseConstant"/>.</summary>
public class PiecewiseConstantScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.001;

    protected override double UpperBound => 0.3;

    protected override LearningRateSchedule Create() => Schedule.PiecewiseConstant([10, 20.5, 70], [0.1, 0.3, 0.001, 0.02]);

    protected override Gen<GeneratedSchedule> Generated =>
        ScheduleGen.Ascending(0, 6).SelectMany(b => ScheduleGen.Wide.Array[b.Length + 1].Select(v =>
        {
            (double low, double high) = ScheduleGen.Range(v);
            return new GeneratedSchedule(Schedule.PiecewiseConstant(b, v), low, high, b.DefaultIfEmpty(1).Max(), "PiecewiseConstant " + ScheduleGen.Show(b) + " | " + ScheduleGen.Show(v));
        }));

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.NotFinite.Select(v => InvalidCall.Of(() => Schedule.PiecewiseConstant([3], [1, v]), "values[1]", "values[1]", v)),
        Gen.Double[0, 3].Select(b => InvalidCall.Of(() => Schedule.PiecewiseConstant([3, b], [1, 2, 3]), "boundaries[1]", "boundaries[1]", b)),
        Gen.Int[0, 5].Where(n => n != 2).Select(n => new InvalidCall(() => Schedule.PiecewiseConstant([3], new double[n]), "values.Count", "values.Count", n.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    [Fact]
    public void PiecewiseConstant_AnyPosition_TakesValueOfItsInterval()
    {
        double[] boundaries = [1.5, 4, 9];
        double[] values = [4, 3, 2, 1];
        var schedule = Schedule.PiecewiseConstant(boundaries, values);

        for (double t = 0; t < 12; t += 0.25)
        {
            schedule.Evaluate(t).Should().Be(values[boundaries.Count(b => b <= t)]);
        }
    }

    [Fact]
    public void PiecewiseConstant_OptaxTestPositive_MatchesExpectedValues()
    {
        // optax/schedules/_schedule_test.py, PiecewiseConstantTest.test_positive: piecewise_constant_schedule(0.1, {3: 2., 6: 0.5})
        // gives [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1]; optax's scales multiply, so the values are 0.1, 0.2, 0.1.
        Approx.Sequence(Schedule.PiecewiseConstant([3, 6], [0.1, 0.1 * 2, 0.1 * 2 * 0.5]), [0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1]);
    }

    [Fact]
    public void PiecewiseConstant_KerasPiecewiseTests_MatchWithBoundariesShiftedByOne()
    {
        // keras learning_rate_schedule_test.py, PiecewiseConstantDecayTest.test_piecewise_values: boundaries [100, 110, 120],
        // values [1.0, 0.1, 0.01, 0.001]: 1.0 at 100, 0.1 at 105 and 110, 0.01 at 120, 0.001 at 999. Keras changes just
        // after a boundary; for whole steps that is our schedule with every boundary plus one (XML docs).
        var schedule = Schedule.PiecewiseConstant([101, 111, 121], [1.0, 0.1, 0.01, 0.001]);
        schedule.Evaluate(0).Should().Be(1.0);
        schedule.Evaluate(100).Should().Be(1.0);
        schedule.Evaluate(105).Should().Be(0.1);
        schedule.Evaluate(110).Should().Be(0.1);
        schedule.Evaluate(120).Should().Be(0.01);
        schedule.Evaluate(999).Should().Be(0.001);

        // test_boundary_values: boundaries [1, 2, 3], values [0.4, 0.5, 0.6, 0.7] at steps 0..4 give 0.4, 0.4, 0.5, 0.6, 0.7.
        Approx.Sequence(Schedule.PiecewiseConstant([2, 3, 4], [0.4, 0.5, 0.6, 0.7]), [0.4, 0.4, 0.5, 0.6, 0.7]);
    }

    [Fact]
    public void PiecewiseConstant_PyTorchTestConstantlr_MatchesTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_constantlr: ConstantLR(factor=1/2, total_iters=5), epochs = 10,
        // targets [0.025] * 5 + [0.05] * 5 (second group x 10).
        foreach (double b in new[] { 0.05, 0.5 })
        {
            Approx.Sequence(Schedule.PiecewiseConstant([5], [b / 2, b]), [.. Approx.Repeat(b / 2, 5), .. Approx.Repeat(b, 5)]);
        }
    }

    [Fact]
    public void PiecewiseConstant_AnyBoundaries_TakesOnlyGivenValues()
    {
        Gen.Double[0, 100].Array[0, 6]
            .Select(Gen.Double[0, 200])
            .Sample((raw, t) =>
            {
                double[] boundaries = raw.Distinct().Order().ToArray();
                double[] values = Enumerable.Range(0, boundaries.Length + 1).Select(i => (double)i).ToArray();
                double v = Schedule.PiecewiseConstant(boundaries, values).Evaluate(t);
                v.Should().Be(boundaries.Count(b => b <= t));
            });
    }

    [Fact]
    public void PiecewiseConstant_AnyValues_DeclaresTheLargestMagnitude()
    {
        Magnitude.IsStatedAs(Schedule.PiecewiseConstant([5, 7], [2, -3, 1]), "3");
    }
}
