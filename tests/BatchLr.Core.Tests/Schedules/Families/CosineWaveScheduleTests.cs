using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using BatchLr.Schedules.Families;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>CosineWaveSchedule</c>, PyTorch's CosineAnnealingLR past <c>T_max</c>.</summary>
public class CosineWaveScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.01;

    protected override double UpperBound => 0.1;

    protected override LearningRateSchedule Create() => new CosineWaveSchedule(0.1, 0.01, 17);

    [Fact]
    public void Evaluate_EveryPosition_IsPyTorchsClosedForm()
    {
        // CosineAnnealingLR._get_closed_form_lr: eta_min + (base_lr - eta_min) · (1 + cos(π · last_epoch / T_max)) / 2, for every epoch.
        LearningRateSchedule wave = Create();
        for (int t = 0; t < 100; t++)
        {
            Approx.Equal(0.01 + ((0.1 - 0.01) * (1 + Math.Cos(Math.PI * t / 17)) / 2), wave.Evaluate(t));
        }

        wave.Evaluate(34).Should().BeApproximately(0.1, 1e-15, "a whole period after the start, back at the rate");
    }
}
