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


    [Fact]
    public void Evaluate_CosineBetweenTheLastStepAndTotalSteps_FollowsTheCosine()
    {
        // Past total_steps - 1 = 39 the cosine goes on past its phase's end: at 39.5, pct = (39.5 - 18) / 21.
        static double Cos(double start, double end, double pct) => end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1));

        Approx.Equal(Cos(Initial, Final, 21.5 / 21.0), Create().Evaluate(39.5));
    }

    [Fact]
    public void Evaluate_LastPhaseOfNoLength_HoldsTheLastStepsValue()
    {
        // pct_start 1 over 10 steps: both phases end at 9, and PyTorch divides 0 by 0 at step 10; the value of step 9, the peak, holds.
        var schedule = new TorchOneCycleSchedule([9, 9], [Initial, Peak, Final], cosine: true);

        schedule.Evaluate(9).Should().Be(Peak);
        schedule.Evaluate(9.5).Should().Be(Peak);
        schedule.Evaluate(10).Should().Be(Peak);
    }

    [Fact]
    public void Evaluate_LinearAtTheEndOfAPhasePastTheLastStep_IsThatPhasesEndValue()
    {
        // Three phases, pct_start 0.575 of 10 steps: ends 4.75, 9.5 and 9. Step 9.5 is past the last step, 9, but in the second
        // phase, at its end (pct = 1): _annealing_linear gives (end - start) · 1 + start, no extrapolation to hold back.
        var schedule = new TorchOneCycleSchedule([4.75, 9.5, 9], [Initial, Peak, Initial, Final], cosine: false);

        schedule.Evaluate(9.5).Should().Be(((Initial - Peak) * 1.0) + Peak);
    }
}
