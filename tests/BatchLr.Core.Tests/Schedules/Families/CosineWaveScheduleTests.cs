using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using BatchLr.Schedules.Families;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>CosineWaveSchedule</c>, behind PyTorch's CosineAnnealingLR past <c>T_max</c> and the spec's Hugging Face cosine types (a half period of <c>(T - W) / (2 · num_cycles)</c>).</summary>
public class CosineWaveScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.01;

    protected override double UpperBound => 0.5;

    protected override LearningRateSchedule Create() => new CosineWaveSchedule(0.5, 0.01, 17 / 2.5);

    [Fact]
    public void Evaluate_HuggingFaceCosineWithWarmup_MatchesExpectedList()
    {
        // transformers tests/optimization/test_optimization.py, ScheduleInitTest.test_schedulers: get_cosine_schedule_with_warmup
        // with lr 10, num_warmup_steps 2, num_training_steps 10 gives [0.0, 5.0, 10.0, 9.61, 8.53, 6.91, 5.0, 3.08, 1.46, 0.38];
        // HF asserts within 1e-2, so we do too.
        LearningRateSchedule schedule = new CosineWaveSchedule(10, 0, 8).WithWarmup(2);

        Approx.SequenceWithin(schedule, [0.0, 5.0, 10.0, 9.61, 8.53, 6.91, 5.0, 3.08, 1.46, 0.38], 1e-2);
    }

    [Fact]
    public void Evaluate_PastTheDuration_GoesOnAlongTheCosine()
    {
        // src/transformers/optimization.py, _get_cosine_schedule_with_warmup_lr_lambda: 0.5 (1 + cos(π · num_cycles · 2 · progress))
        // with progress = t / T for every t, above 1 too; with a floor r, factor · (1 - r) + r.
        var schedule = new CosineWaveSchedule(2.0, 0.2, 10 / 1.5); // num_cycles 0.75 over T = 10

        for (double t = 0; t < 60; t += 0.7)
        {
            double factor = 0.5 * (1 + Math.Cos(Math.PI * 0.75 * 2 * (t / 10)));
            Approx.Equal(2.0 * ((factor * (1 - 0.1)) + 0.1), schedule.Evaluate(t), 1e-12, "at t = " + t);
        }
    }

    [Fact]
    public void Evaluate_EveryPosition_IsPyTorchsClosedForm()
    {
        // CosineAnnealingLR._get_closed_form_lr: eta_min + (base_lr - eta_min) · (1 + cos(π · last_epoch / T_max)) / 2, for every epoch.
        LearningRateSchedule wave = new CosineWaveSchedule(0.1, 0.01, 17);
        for (int t = 0; t < 100; t++)
        {
            Approx.Equal(0.01 + ((0.1 - 0.01) * (1 + Math.Cos(Math.PI * t / 17)) / 2), wave.Evaluate(t));
        }

        wave.Evaluate(34).Should().BeApproximately(0.1, 1e-15, "a whole period after the start, back at the rate");
    }

    [Fact]
    public void Peak_EitherEnd_IsTheLargerMagnitude()
    {
        // The wave moves between its two ends, here 0.5 and 3.
        Magnitude.IsStatedAs(new CosineWaveSchedule(0.5, 3, 10), "3");
    }

    [Fact]
    public void Evaluate_PyTorchsAngle_MatchesBitForBit()
    {
        // CosineAnnealingLR._get_closed_form_lr: eta_min + (base_lr - eta_min) · (1 + cos(π · last_epoch / T_max)) / 2. At
        // 15 of T_max 10 the angle π · 15 / 10 gives cos = -1.8e-16; the same point reduced by the period, π · (-5) / 10,
        // gives 6.1e-17, so only PyTorch's angle matches to the bit.
        LearningRateSchedule wave = new CosineWaveSchedule(1.0, 0.0, 10);

        wave.Evaluate(15).Should().Be(0.0 + ((1.0 - 0.0) * (1 + Math.Cos(Math.PI * 15 / 10)) / 2));
    }

    [Fact]
    public void Evaluate_AngleOverflows_ReducesThePositionByThePeriod()
    {
        // T = 3 · 2^-1000 and t = 2^30: π t / T overflows. The wave has period 2T = 3 · 2^-999 and t / 2T = 2^1029 / 3, whose
        // remainder is 2 / 3 (2^odd = 2 mod 3), nearest whole 1 / 3 below the next multiple: t is -2T / 3 = -2^-999 from it.
        // The angle is π · (-2^-999) / T = -2π/3, cos = -1/2, so v = min + (initial - min) · (1 - 1/2) / 2.
        LearningRateSchedule wave = new CosineWaveSchedule(0.8, 0.2, Math.ScaleB(3, -1000));

        Approx.Equal(0.2 + ((0.8 - 0.2) * 0.25), wave.Evaluate(Math.ScaleB(1, 30)), 1e-12);
    }
}
