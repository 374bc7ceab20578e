using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using BatchLr.Schedules.Families;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>TorchOneCycleSchedule</c>, PyTorch's OneCycleLR <c>get_lr</c> behind the spec's <c>OneCycleLR</c>.</summary>
public class TorchOneCycleScheduleTests : ScheduleConformanceTests
{
    private const double Peak = 0.1;
    private const double Initial = Peak / 25;
    private const double Final = Initial / 1e4;

    protected override double Horizon => 40;

    protected override double LowerBound => Final;

    protected override double UpperBound => Peak;

    // Three phases over 40 steps, pct_start 0.25: ends 9, 18 and 39.
    protected override LearningRateSchedule Create() => new TorchOneCycleSchedule([9, 18, 39], [Initial, Peak, Initial, Final], cosine: true);

    [Fact]
    public void Evaluate_EachPhase_IsPyTorchsAnnealingCos()
    {
        // _annealing_cos(start, end, pct) = end + (start - end) / 2 · (cos(π pct) + 1), pct = (step - start_step) / (end_step - start_step).
        static double Cos(double start, double end, double pct) => end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1));
        LearningRateSchedule schedule = Create();

        Approx.Equal(Cos(Initial, Peak, 4 / 9.0), schedule.Evaluate(4));
        Approx.Equal(Cos(Peak, Initial, 5 / 9.0), schedule.Evaluate(14));
        Approx.Equal(Cos(Initial, Final, 12 / 21.0), schedule.Evaluate(30));
        Approx.Equal(Cos(Initial, Final, 22 / 21.0), schedule.Evaluate(40), because: "step total_steps, pct past 1");
        schedule.Evaluate(1000).Should().Be(schedule.Evaluate(40));
    }

    [Fact]
    public void Evaluate_LinearPastTheLastStep_HoldsInsteadOfExtrapolating()
    {
        var schedule = new TorchOneCycleSchedule([9, 39], [Initial, Peak, Final], cosine: false);

        schedule.Evaluate(40).Should().Be(schedule.Evaluate(39));
        schedule.Evaluate(39.5).Should().Be(schedule.Evaluate(39));
        Approx.Equal(((Peak - Initial) * (4 / 9.0)) + Initial, schedule.Evaluate(4), because: "_annealing_linear: (end - start) · pct + start");
    }
}
