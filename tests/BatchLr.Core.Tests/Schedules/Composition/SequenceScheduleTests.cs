using System;
using System.Linq;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Composition;

/// <summary>Tests of <c>SequenceSchedule</c>, behind <see cref="Schedule.Sequence"/> (PyTorch's SequentialLR).</summary>
public class SequenceScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.0;

    protected override double UpperBound => 0.1;

    protected override LearningRateSchedule Create() =>
        Schedule.Sequence([Schedule.Linear(0, 0.1, 10), Schedule.CosineAnnealing(0.1, 0.0, 80)], [10]);

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Value, ScheduleGen.Length).Array[1, 4]
            .SelectMany(parts => Gen.Select(ScheduleGen.Ascending(parts.Length - 1, parts.Length - 1), Gen.Bool, (milestones, restart) =>
            {
                LearningRateSchedule[] children = parts.Select(p => Schedule.CosineAnnealing(p.Item1, 0, p.Item2)).ToArray();
                double high = parts.Max(p => p.Item1);
                return new GeneratedSchedule(Schedule.Sequence(children, milestones, restart), 0, high, milestones.DefaultIfEmpty(parts[0].Item2).Max(), "Sequence " + restart + " " + ScheduleGen.Show(milestones) + " | " + ScheduleGen.Show(parts.Select(p => p.Item1).ToArray()));
            }));

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.NotPositive.Select(m => InvalidCall.Of(() => Schedule.Sequence([Schedule.Constant(1), Schedule.Constant(2)], [m]), "milestones[0]", "milestones[0]", m)),
        Gen.Int[0, 4].Where(n => n != 1).Select(n => new InvalidCall(() => Schedule.Sequence([Schedule.Constant(1), Schedule.Constant(2)], Enumerable.Range(1, n).Select(i => (double)i).ToArray()), "milestones.Count", "milestones.Count", n.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    [Fact]
    public void Sequence_PyTorchTestSequentiallr1_MatchesTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_sequentiallr1: ExponentialLR(gamma=0.8) then StepLR(gamma=0.1, step_size=4)
        // at milestone 3; epochs 19; targets [0.05, 0.04, 0.032] + [0.05] * 4 + [0.005] * 4 + [0.0005] * 4 + [0.00005] * 4.
        var schedule = Schedule.Sequence([Schedule.Exponential(0.05, 0.8), Schedule.Step(0.05, 4, 0.1)], [3]);
        Approx.Sequence(schedule, [0.05, 0.04, 0.032, .. Approx.Repeat(0.05, 4), .. Approx.Repeat(0.05 * 0.1, 4), .. Approx.Repeat(0.05 * 0.01, 4), .. Approx.Repeat(0.05 * 0.001, 4)]);
    }

    [Fact]
    public void Sequence_PyTorchTestSequentiallr2_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_sequentiallr2: ConstantLR(factor=0.1, total_iters=3) then ExponentialLR(gamma=0.9)
        // at milestone 3; targets [0.005] * 3 + [0.05 * 0.9 ** x for x in range(10)].
        var schedule = Schedule.Sequence([Schedule.PiecewiseConstant([3], [0.005, 0.05]), Schedule.Exponential(0.05, 0.9)], [3]);
        Approx.Sequence(schedule, [.. Approx.Repeat(0.005, 3), .. Enumerable.Range(0, 10).Select(x => 0.05 * Math.Pow(0.9, x))]);
    }

    [Fact]
    public void Sequence_PyTorchTestSequentiallr3_MatchesTargetsForBothGroups()
    {
        // PyTorch test_lrscheduler.py, test_sequentiallr3 and test_get_last_lr_sequentiallr (second group x 10): ConstantLR(0.1, 3),
        // ExponentialLR(0.8), StepLR(0.1, 2) at milestones [3, 6]; targets [0.005] * 3 + [0.05, 0.04, 0.032] + [0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005].
        double[] single = [0.005, 0.005, 0.005, 0.05, 0.04, 0.032, 0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005];
        foreach (double b in new[] { 0.05, 0.5 })
        {
            var schedule = Schedule.Sequence([Schedule.PiecewiseConstant([3], [b * 0.1, b]), Schedule.Exponential(b, 0.8), Schedule.Step(b, 2, 0.1)], [3, 6]);
            Approx.Sequence(schedule, single.Select(x => x * b / 0.05).ToArray());
        }
    }

    [Fact]
    public void Sequence_PyTorchTestSequentiallr5WithChained_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_sequentiallr5: ChainedScheduler([LinearLR(start_factor=0.1, total_iters=5),
        // ConstantLR(factor=0.1, total_iters=5)]) then ConstantLR(factor=0.5, total_iters=5) at milestone 5;
        // targets [0.0005, 0.0014, 0.0023, 0.0032, 0.0041] + [0.025] * 5. Chained = base · product of unit factors.
        var chained = Schedule.Product(Schedule.Linear(0.1, 1.0, 5), Schedule.PiecewiseConstant([5], [0.1, 1.0])).Scale(0.05);
        var schedule = Schedule.Sequence([chained, Schedule.PiecewiseConstant([5], [0.025, 0.05])], [5]);
        Approx.Sequence(schedule, [0.0005, 0.0014, 0.0023, 0.0032, 0.0041, .. Approx.Repeat(0.025, 5)]);
    }

    [Fact]
    public void Sequence_PyTorchTestSequentiallrDoesNotAlias_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_sequentiallr_does_not_alias_lr_and_initial_lr: lr 2.0, LinearLR(0.1, 0.8, 4) then
        // LinearLR(0.8, 0.1, 4) at milestone 4; targets [0.2, 0.55, 0.9, 1.25, 1.6, 1.25, 0.9, 0.55].
        var schedule = Schedule.Sequence([Schedule.Linear(0.2, 1.6, 4), Schedule.Linear(1.6, 0.2, 4)], [4]);
        Approx.Sequence(schedule, [0.2, 0.55, 0.9, 1.25, 1.6, 1.25, 0.9, 0.55]);
    }

    [Fact]
    public void Sequence_SharedClock_PassesGlobalPosition()
    {
        var schedule = Schedule.Sequence([Schedule.Constant(1), Schedule.FromFunction(t => t)], [5], restartClocks: false);

        schedule.Evaluate(4.5).Should().Be(1);
        schedule.Evaluate(7).Should().Be(7);
    }

    [Fact]
    public void Sequence_FirstChildOnSamples_RunsOnSamples()
    {
        var schedule = Schedule.Sequence([Schedule.Linear(0, 1, 100).On(ProgressClock.Samples), Schedule.Constant(1)], [100]);

        schedule.Clock.Should().Be(ProgressClock.Samples, "the joined schedule is on the clock of the first schedule (XML docs)");
        schedule.Evaluate(new TrainingProgress(step: 3, samples: 50)).Should().Be(0.5);
    }

    [Fact]
    public void Sequence_AnyPosition_EqualsTheChildOnItsOwnClock()
    {
        Gen.Select(Gen.Double[0.5, 100], Gen.Double[0.5, 100], Gen.Double[0, 400])
            .Sample((m1, gap, t) =>
            {
                var a = Schedule.CosineAnnealing(1, 0.1, 30);
                var b = Schedule.Exponential(0.5, 0.97);
                var c = Schedule.Linear(0.2, 0.9, 17);
                double m2 = m1 + gap;
                var schedule = Schedule.Sequence([a, b, c], [m1, m2]);
                double expected = t < m1 ? a.Evaluate(t) : t < m2 ? b.Evaluate(t - m1) : c.Evaluate(t - m2);
                schedule.Evaluate(t).Should().Be(expected);
            });
    }

    [Fact]
    public void Scale_OfASequenceWhoseLaterChildWouldOverflow_IsRefused()
    {
        // The sequence reaches 1e300 in its second child, so scaling it by 1e10 would give 1e310, past the largest double.
        Action act = () => Schedule.Sequence([Schedule.Constant(1), Schedule.Constant(1e300)], [5]).Scale(1e10);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("factor")
            .WithMessage("*'factor' is 10000000000; it must be small enough that factor times the schedule's largest magnitude, 1E+300, is finite*");
    }
}
