using System;
using System.Linq;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>MultiStepSchedule</c>, behind <see cref="Schedule.MultiStep"/>.</summary>
public class MultiStepScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0;

    protected override double UpperBound => 1;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() => Schedule.MultiStep(1.0, [10, 25.5, 25.5, 60, 99], 0.5);

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Signed, Gen.Double[0, 1e4].Array[0, 6], Gen.OneOf(ScheduleGen.Decay, Gen.Double[1, 10]))
            .Select((i, milestones, g) =>
            {
                double[] values = Enumerable.Range(0, milestones.Length + 1).Select(k => i * Math.Pow(g, k)).ToArray();
                (double low, double high) = ScheduleGen.Range(values);
                return new GeneratedSchedule(Schedule.MultiStep(i, milestones, g), low, high, milestones.DefaultIfEmpty(1).Max(), "MultiStep " + ScheduleGen.Show([i, g, .. milestones]));
            });

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.Negative.Select(m => InvalidCall.Of(() => Schedule.MultiStep(1, [5, m]), "milestones[1]", "milestones[1]", m)),
        ScheduleGen.NotPositive.Select(g => InvalidCall.Of(() => Schedule.MultiStep(1, [5], g), "gamma", "gamma", g)),
        Gen.Double[10, 1e300].Select(g => InvalidCall.Of(() => Schedule.MultiStep(0.1, new double[400], g), "gamma", "gamma", g)),
        ScheduleGen.NotFinite.Select(i => InvalidCall.Of(() => Schedule.MultiStep(i, [5]), "initial", "initial", i)));

    [Fact]
    public void MultiStep_AnyPosition_MatchesCountOfMilestonesPassed()
    {
        double[] milestones = [2, 5, 5, 9.5];
        var schedule = Schedule.MultiStep(0.4, milestones, 0.3);

        for (double t = 0; t < 15; t += 0.25)
        {
            int passed = milestones.Count(m => m <= t);
            Approx.Equal(0.4 * Math.Pow(0.3, passed), schedule.Evaluate(t));
        }
    }

    [Fact]
    public void MultiStep_PyTorchTestMultiStepLr_MatchesTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_multi_step_lr: MultiStepLR(gamma=0.1, milestones=[2, 5, 9]),
        // targets [0.05] * 2 + [0.005] * 3 + [0.0005] * 4 + [0.00005] * 3, second group x 10; epochs = 10.
        double[] single = [.. Approx.Repeat(0.05, 2), .. Approx.Repeat(0.005, 3), .. Approx.Repeat(0.0005, 4), .. Approx.Repeat(0.00005, 3)];
        Approx.Sequence(Schedule.MultiStep(0.05, [2, 5, 9], 0.1), single[..10]);
        Approx.Sequence(Schedule.MultiStep(0.5, [2, 5, 9], 0.1), single[..10].Select(x => x * 10).ToArray());
    }

    [Fact]
    public void MultiStep_PyTorchTestGetLastLrMultiStepLr_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_get_last_lr_multi_step_lr: the same milestones, targets
        // [0.05] * 2 + [0.005] * 3 + [0.0005] * 4 + [0.00005] * 1.
        Approx.Sequence(Schedule.MultiStep(0.05, [2, 5, 9], 0.1), [.. Approx.Repeat(0.05, 2), .. Approx.Repeat(0.005, 3), .. Approx.Repeat(0.0005, 4), 0.00005]);
    }

    [Fact]
    public void MultiStep_RepeatedMilestone_DecaysOncePerRepetition()
    {
        var schedule = Schedule.MultiStep(1.0, [3, 3], 0.5);

        schedule.Evaluate(2.999).Should().Be(1.0);
        Approx.Equal(0.25, schedule.Evaluate(3));
    }

    [Fact]
    public void MultiStep_AnyMilestones_IsNonIncreasingForGammaBelowOne()
    {
        Gen.Double[0, 1000].Array[0, 8]
            .Select(Gen.Double[1e-3, 1], Gen.Double[0, 2000], Gen.Double[0, 2000])
            .Sample((milestones, gamma, t1, t2) =>
            {
                Array.Sort(milestones);
                var schedule = Schedule.MultiStep(2.0, milestones, gamma);
                double v1 = schedule.Evaluate(Math.Min(t1, t2));
                double v2 = schedule.Evaluate(Math.Max(t1, t2));
                v1.Should().BeInRange(0, 2.0);
                v2.Should().BeLessThanOrEqualTo(v1);
            });
    }

    [Theory]
    [InlineData(2.0, 0.5, "2")]    // decays: the initial value, 2, is the largest
    [InlineData(1.5, 3.0, "13.5")] // grows: the last value, 1.5 · 3^2 = 13.5, is the largest
    public void MultiStep_AnyGamma_DeclaresTheLargerOfTheFirstAndLastValues(double initial, double gamma, string magnitude)
    {
        Magnitude.IsStatedAs(Schedule.MultiStep(initial, [1, 2], gamma), magnitude);
    }
}
