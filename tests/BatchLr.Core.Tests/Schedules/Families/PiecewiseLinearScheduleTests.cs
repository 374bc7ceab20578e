using System.Linq;
using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>PiecewiseLinearSchedule</c>, behind <see cref="Schedule.PiecewiseLinear"/>.</summary>
public class PiecewiseLinearScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.0;

    protected override double UpperBound => 1.0;

    protected override LearningRateSchedule Create() => Schedule.PiecewiseLinear([5, 20, 60, 90], [0.2, 1.0, 0.5, 0.0]);

    protected override Gen<GeneratedSchedule> Generated =>
        ScheduleGen.Ascending(1, 6).SelectMany(p => ScheduleGen.Wide.Array[p.Length].Select(v =>
        {
            (double low, double high) = ScheduleGen.Range(v);
            return new GeneratedSchedule(Schedule.PiecewiseLinear(p, v), low, high, p.Max(), "PiecewiseLinear " + ScheduleGen.Show(p) + " | " + ScheduleGen.Show(v));
        }));

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.NotFinite.Select(v => InvalidCall.Of(() => Schedule.PiecewiseLinear([0, 3], [1, v]), "values[1]", "values[1]", v)),
        ScheduleGen.Negative.Select(p => InvalidCall.Of(() => Schedule.PiecewiseLinear([p], [1]), "positions[0]", "positions[0]", p)),
        Gen.Int[0, 5].Where(n => n != 2).Select(n => new InvalidCall(() => Schedule.PiecewiseLinear([0, 3], new double[n]), "values.Count", "values.Count", n.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    [Fact]
    public void PiecewiseLinear_AnyPosition_InterpolatesAndHoldsEnds()
    {
        var schedule = Schedule.PiecewiseLinear([2, 6, 10], [1.0, 3.0, 0.0]);

        for (double t = 0; t < 14; t += 0.25)
        {
            double expected = t <= 2 ? 1.0
                : t <= 6 ? 1.0 + ((3.0 - 1.0) * (t - 2) / 4)
                : t <= 10 ? 3.0 + ((0.0 - 3.0) * (t - 6) / 4)
                : 0.0;
            Approx.Equal(expected, schedule.Evaluate(t));
        }
    }

    [Fact]
    public void PiecewiseLinear_PyTorchSequentialLinearLrs_MatchTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_sequentiallr_does_not_alias_lr_and_initial_lr: lr 2.0,
        // LinearLR(0.1 -> 0.8, 4 iters) then LinearLR(0.8 -> 0.1, 4 iters) at milestone 4;
        // targets [0.2, 0.55, 0.9, 1.25, 1.6, 1.25, 0.9, 0.55]. As straight lines through points: (0, 0.2), (4, 1.6), (8, 0.2).
        Approx.Sequence(Schedule.PiecewiseLinear([0, 4, 8], [0.2, 1.6, 0.2]), [0.2, 0.55, 0.9, 1.25, 1.6, 1.25, 0.9, 0.55]);
    }

    [Fact]
    public void PiecewiseLinear_SinglePoint_IsConstant()
    {
        var schedule = Schedule.PiecewiseLinear([3], [0.7]);

        schedule.Evaluate(0).Should().Be(0.7);
        schedule.Evaluate(3).Should().Be(0.7);
        schedule.Evaluate(1e9).Should().Be(0.7);
    }

    [Fact]
    public void PiecewiseLinear_AnyPoints_StaysBetweenNeighbours()
    {
        Gen.Double[-5, 5].Array[3]
            .Select(Gen.Double[0, 40])
            .Sample((values, t) =>
            {
                var schedule = Schedule.PiecewiseLinear([0, 10, 30], values);
                double v = schedule.Evaluate(t);
                double a = t < 10 ? values[0] : values[1];
                double b = t < 10 ? values[1] : values[2];
                Approx.InRange(v, Math.Min(a, b), Math.Max(a, b));
            });
    }

    [Fact]
    public void PiecewiseLinear_OptaxAssociation_MatchesBitForBit()
    {
        // optax's linear interpolation of an interval: start + (end - start) · pct. At 4 of [0, 10], pct = 0.4; the other
        // association, start · (1 - pct) + end · pct, differs there in the last bit.
        Schedule.PiecewiseLinear([0, 10], [1.0, 0.1]).Evaluate(4).Should().Be(1.0 + ((0.1 - 1.0) * 0.4));
    }
}
