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
    public void OneCycleThroughTotal_NullOptions_ThrowsNamingOptions()
    {
        ((Action)(() => Schedule.OneCycleThroughTotal(null!, momentum: false))).Should().Throw<ArgumentNullException>().WithParameterName("options");
    }

    [Theory]
    [InlineData(2.5, 0.3, AnnealShape.Cosine, 25, "'options.TotalSteps' is 2.5; it must be a whole number 1 or more.")]
    [InlineData(double.PositiveInfinity, 0.3, AnnealShape.Cosine, 25, "'options.TotalSteps' is Infinity; it must be a whole number 1 or more.")]
    [InlineData(10, 0.3, AnnealShape.OneMinusSqrt, 25, "'options.AnnealStrategy' is OneMinusSqrt; it must be Cosine or Linear.")]
    [InlineData(4, 0.25, AnnealShape.Cosine, 5e-324, "'options.DivFactor' is 5E-324; it must be large enough that the initial rate, MaxLearningRate / DivFactor, is finite.")]
    public void OneCycleThroughTotal_BrokenOption_MessageIsThatRuleAlone(double totalSteps, double pctStart, AnnealShape strategy, double divFactor, string rule)
    {
        // 1 / 5e-324 overflows. With TotalSteps 4 and PctStart 0.25 the first phase would also end at step 0, but a broken option
        // is reported before the phases are looked at, so the message has that option's rule only.
        var options = new OneCycleOptions { MaxLearningRate = 1, TotalSteps = totalSteps, PctStart = pctStart, AnnealStrategy = strategy, DivFactor = divFactor };

        ((Action)(() => Schedule.OneCycleThroughTotal(options, momentum: false))).Should().Throw<ArgumentException>().WithParameterName("options").WithMessage(rule + " (Parameter 'options')");
    }

    [Fact]
    public void OneCycleThroughTotal_OneStep_IsTheFinalRateAsPyTorch()
    {
        // PyTorch, total_steps 1, pct_start 0.3: phase ends 0.3 · 1 - 1 = -0.7 and 0; step 0 is past the first, so the last phase
        // runs with pct = (0 - -0.7) / (0 - -0.7) = 1: _annealing_cos(max, final, 1) = final = 1 / 25 / 1e4.
        var options = new OneCycleOptions { MaxLearningRate = 1, TotalSteps = 1 };

        Approx.Equal(1.0 / 25 / 1e4, Schedule.OneCycleThroughTotal(options, momentum: false).Evaluate(0));
    }

    [Fact]
    public void OneCycleThroughTotal_PctStartOne_RisesOverTheWholeCycleAsPyTorch()
    {
        // PyTorch, total_steps 10, pct_start 1: both phases end at step 9, so steps 0 to 9 anneal initial → max with pct = t / 9.
        static double Cos(double start, double end, double pct) => end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1));
        LearningRateSchedule schedule = Schedule.OneCycleThroughTotal(new OneCycleOptions { MaxLearningRate = 1, TotalSteps = 10, PctStart = 1 }, momentum: false);

        for (int t = 0; t <= 9; t++)
        {
            Approx.Equal(Cos(1.0 / 25, 1, t / 9.0), schedule.Evaluate(t));
        }
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
