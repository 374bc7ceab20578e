using CsCheck;
using System.Linq;
using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules;

/// <summary>Tests of <see cref="Schedule.OneCycle"/> and <see cref="Schedule.OneCycleMomentum"/> (a Sequence of Anneal phases).</summary>
public class OneCycleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.01 / 25 / 1e4;

    protected override double UpperBound => 0.01;

    protected override LearningRateSchedule Create() => Schedule.OneCycle(new OneCycleOptions { MaxLearningRate = 0.01, TotalSteps = Horizon });

    // PyTorch test_lrscheduler.py's annealing_cos: end + (start - end) / 2 · (cos(pi · pct) + 1).
    private static double AnnealingCos(double start, double end, double pct) => end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1));

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(Gen.Double[1e-6, 10], Gen.Double[100, 1e9], Gen.Double[0.05, 0.45], Gen.Double[0.5, 1e3], Gen.Double[1, 1e5])
            .Select(Gen.Bool, Gen.OneOf(AnnealShape.Cosine, AnnealShape.Linear), Gen.Bool)
            .Select((p, three, shape, momentum) =>
            {
                var (max, total, pct, div, finalDiv) = p;
                var options = new OneCycleOptions { MaxLearningRate = max, TotalSteps = total, PctStart = pct, DivFactor = div, FinalDivFactor = finalDiv, ThreePhase = three, AnnealStrategy = shape };
                (double low, double high) = momentum ? (options.BaseMomentum, options.MaxMomentum) : ScheduleGen.Range(max, max / div, max / div / finalDiv);
                return new GeneratedSchedule(momentum ? Schedule.OneCycleMomentum(options) : Schedule.OneCycle(options), low, high, total, "OneCycle " + ScheduleGen.Show(max, total, pct, div, finalDiv) + " " + three + " " + shape);
            });

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        Gen.OneOf(Gen.Double[1, 10], Gen.Double[-10, 0], ScheduleGen.NotFinite).Select(pct => InvalidCall.Of(() => Schedule.OneCycle(new OneCycleOptions { MaxLearningRate = 1, TotalSteps = 100, PctStart = pct }), "options", "options.PctStart", pct)),
        ScheduleGen.NotPositive.Select(d => InvalidCall.Of(() => Schedule.OneCycle(new OneCycleOptions { MaxLearningRate = 1, TotalSteps = 100, DivFactor = d }), "options", "options.DivFactor", d)),
        Gen.Double[1, 3].Select(t => InvalidCall.Of(() => Schedule.OneCycle(new OneCycleOptions { MaxLearningRate = 1, TotalSteps = t, PctStart = 0.3 }), "options", "options.TotalSteps", t)));

    [Fact]
    public void OneCycle_PyTorchTestOnecycleLrLinearAnnealing_MatchesTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_onecycle_lr_linear_annealing (and test_cycle_lr_with_adam): max_lr 25,
        // final_div_factor 2, base_momentum 1, max_momentum 22, total_steps 10, linear;
        // lr [1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5], momentum [22, 11.5, 1, 4, 7, 10, 13, 16, 19, 22].
        var options = new OneCycleOptions { MaxLearningRate = 25, FinalDivFactor = 2, BaseMomentum = 1, MaxMomentum = 22, TotalSteps = 10, AnnealStrategy = AnnealShape.Linear };
        Approx.Sequence(Schedule.OneCycle(options), [1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5]);
        Approx.Sequence(Schedule.OneCycleMomentum(options), [22, 11.5, 1, 4, 7, 10, 13, 16, 19, 22]);
    }

    [Fact]
    public void OneCycle_PyTorchTestOnecycleLrLinearAnnealingThreePhases_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_onecycle_lr_linear_annealing_three_phases: max_lr 25, div_factor 25, base_momentum 1,
        // max_momentum 22, total_steps 10, linear, pct_start 0.4, final_div_factor 4, three_phase;
        // lr [1, 9, 17, 25, 17, 9, 1, 0.75, 0.5, 0.25], momentum [22, 15, 8, 1, 8, 15, 22, 22, 22, 22].
        var options = new OneCycleOptions
        {
            MaxLearningRate = 25, DivFactor = 25, BaseMomentum = 1, MaxMomentum = 22, TotalSteps = 10,
            AnnealStrategy = AnnealShape.Linear, PctStart = 0.4, FinalDivFactor = 4, ThreePhase = true,
        };
        Approx.Sequence(Schedule.OneCycle(options), [1, 9, 17, 25, 17, 9, 1, 0.75, 0.5, 0.25]);
        Approx.Sequence(Schedule.OneCycleMomentum(options), [22, 15, 8, 1, 8, 15, 22, 22, 22, 22]);
    }

    [Fact]
    public void OneCycle_PyTorchTestOnecycleLrCosineAnnealing_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_onecycle_lr_cosine_annealing: as the linear test with the default cos strategy;
        // lr [1, 13, 25, annealing_cos(25, 0.5, k / 7) for k = 1..6, 0.5]; momentum [22, 11.5, 1, annealing_cos(1, 22, k / 7), 22].
        // Step 1 of the rise is cos-annealed too: annealing_cos(1, 25, 0.5) = 13, annealing_cos(22, 1, 0.5) = 11.5.
        var options = new OneCycleOptions { MaxLearningRate = 25, FinalDivFactor = 2, BaseMomentum = 1, MaxMomentum = 22, TotalSteps = 10 };
        double[] lr = [1, 13, 25, 0, 0, 0, 0, 0, 0, 0.5];
        double[] momentum = [22, 11.5, 1, 0, 0, 0, 0, 0, 0, 22];
        for (int k = 1; k <= 6; k++)
        {
            lr[2 + k] = AnnealingCos(25, 0.5, k / 7.0);
            momentum[2 + k] = AnnealingCos(1, 22, k / 7.0);
        }

        Approx.Sequence(Schedule.OneCycle(options), lr);
        Approx.Sequence(Schedule.OneCycleMomentum(options), momentum);
    }

    [Fact]
    public void OneCycle_PastTotalSteps_HoldsFinalValue()
    {
        // PyTorch raises past total_steps; we hold the final value (Schedule.OneCycle XML docs).
        var schedule = Schedule.OneCycle(new OneCycleOptions { MaxLearningRate = 25, FinalDivFactor = 2, TotalSteps = 10, AnnealStrategy = AnnealShape.Linear });

        Approx.Equal(0.5, schedule.Evaluate(10));
        Approx.Equal(0.5, schedule.Evaluate(1e6));
    }

    [Theory]
    [InlineData(100, 0.3, 0, 1e4, 0.85, 0.95, false, "'options.DivFactor' is 0; it must be a finite number greater than zero.")]
    [InlineData(100, 0.3, 25, 0, 0.85, 0.95, false, "'options.FinalDivFactor' is 0; it must be a finite number greater than zero.")]
    [InlineData(0, 0.3, 25, 1e4, 0.85, 0.95, false, "'options.TotalSteps' is 0; it must be a finite number greater than zero.")]
    [InlineData(100, 0, 25, 1e4, 0.85, 0.95, false, "'options.PctStart' is 0; it must be strictly between 0 and 1.")]
    [InlineData(100, 1, 25, 1e4, 0.85, 0.95, false, "'options.PctStart' is 1; it must be strictly between 0 and 1.")]
    [InlineData(100, 0.3, 25, 1e4, -0.5, 0.95, false, "'options.BaseMomentum' is -0.5; it must be a finite number zero or more.")]
    [InlineData(100, 0.3, 25, 1e4, 0.85, 0.8, false, "'options.MaxMomentum' is 0.8; it must be finite and no less than BaseMomentum, 0.85.")]
    [InlineData(100, 0.3, 25, 1e4, 0.85, double.PositiveInfinity, false, "'options.MaxMomentum' is Infinity; it must be finite and no less than BaseMomentum, 0.85.")]
    [InlineData(100, 0.3, 1, 5e-324, 0.85, 0.95, false, "'options.FinalDivFactor' is 5E-324; it must be large enough that the final rate, MaxLearningRate / DivFactor / FinalDivFactor, is finite.")]
    [InlineData(4, 0.25, 25, 1e4, 0.85, 0.95, false, "'options.TotalSteps' is 4; it must be large enough that every phase is longer than zero with PctStart 0.25.")]
    [InlineData(4, 0.25, 25, 1e4, 0.85, 0.95, true, "'options.TotalSteps' is 4; it must be large enough that every phase is longer than zero with PctStart 0.25.")]
    public void OneCycle_OneBrokenOption_MessageIsThatRuleAlone(double totalSteps, double pctStart, double divFactor, double finalDivFactor, double baseMomentum, double maxMomentum, bool threePhase, string rule)
    {
        // One broken option is one line: a zero DivFactor or FinalDivFactor is not also reported as an infinite rate (the
        // divisor rule says it all), a bad TotalSteps or PctStart is not also reported as a phase of no length. 1 / 5e-324
        // overflows, so that FinalDivFactor is positive yet too small. With TotalSteps 4 and PctStart 0.25 the warmup ends at
        // 0.25 · 4 - 1 = 0, a phase of no length; in three phases the second ends there too (2 · 0.25 · 4 - 2 = 0), still one line.
        var options = new OneCycleOptions
        {
            MaxLearningRate = 1, TotalSteps = totalSteps, PctStart = pctStart, DivFactor = divFactor, FinalDivFactor = finalDivFactor,
            BaseMomentum = baseMomentum, MaxMomentum = maxMomentum, ThreePhase = threePhase,
        };

        ((Action)(() => Schedule.OneCycle(options))).Should().Throw<ArgumentException>().WithParameterName("options").WithMessage(rule + " (Parameter 'options')");
    }

    [Fact]
    public void OneCycleMomentum_EqualBaseAndMax_IsAConstantMomentum()
    {
        // MaxMomentum must be no less than BaseMomentum: equal is allowed, and every phase anneals 0.9 to 0.9.
        var schedule = Schedule.OneCycleMomentum(new OneCycleOptions { MaxLearningRate = 1, TotalSteps = 10, BaseMomentum = 0.9, MaxMomentum = 0.9 });

        Approx.Sequence(schedule, Approx.Repeat(0.9, 12).ToArray());
    }
}
