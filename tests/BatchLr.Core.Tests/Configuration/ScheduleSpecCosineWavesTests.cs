using System;
using BatchLr.Configuration;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration;

/// <summary>
/// Hugging Face's cosine decay with <c>num_cycles</c> waves, as warmup_stable_decay builds it from half-cosines:
/// <c>min_lr_ratio + (1 - min_lr_ratio) · 0.5 · (1 + cos(2π · num_cycles · p))</c>, p the decay's progress.
/// </summary>
public class ScheduleSpecCosineWavesTests
{
    private static string Wsd(string cycles, string decaySteps) =>
        "{\"lr\": 1.0, \"schedule\": {\"type\": \"warmup_stable_decay\", \"num_warmup_steps\": 0, \"num_stable_steps\": 0, \"num_decay_steps\": " + decaySteps + ", \"min_lr_ratio\": 0.1, \"num_cycles\": " + cycles + "}}";

    [Fact]
    public void WarmupStableDecay_OneAndAHalfCycles_FollowsHuggingFaceCosineThenTheFloor()
    {
        // 1.5 cycles over D = 6 steps: three half-waves of 2 steps, down, up, down; 0.1 + 0.9 · 0.5 · (1 + cos(2π · 1.5 · t / 6)),
        // then min_lr_ratio 0.1 from t = 6.
        LearningRateSchedule schedule = ScheduleSpec.Parse(Wsd("1.5", "6")).Build().LearningRates![0];

        for (int t = 0; t < 10; t++)
        {
            double expected = t < 6 ? 0.1 + (0.45 * (1 + Math.Cos(2 * Math.PI * 1.5 * t / 6.0))) : 0.1;
            schedule.Evaluate(t).Should().BeApproximately(expected, 1e-12, "at step {0}", t);
        }

        schedule.Evaluate(3.5).Should().BeApproximately(0.1 + (0.45 * (1 + Math.Cos(2 * Math.PI * 1.5 * 3.5 / 6.0))), 1e-12);
    }

    [Fact]
    public void WarmupStableDecay_TooManyCycles_IsRefusedAtNumCycles()
    {
        // BatchLr joins 2 · num_cycles half-cosines and caps them at 100000: num_cycles may be at most 50000.
        Action parse = () => ScheduleSpec.Parse(Wsd("50001", "100000")).Build();

        parse.Should().Throw<ScheduleSpecException>().Where(e => e.Path == "$.schedule.num_cycles")
            .WithMessage("'$.schedule.num_cycles' is 50001; it must be greater than zero and at most 50000.*");
    }

    [Fact]
    public void WarmupStableDecay_ExactlyTheMostCycles_IsBuilt()
    {
        // 50000 cycles over 100000 steps: one step per half-wave, so the rate is 1 at even steps and the floor 0.1 at odd ones.
        LearningRateSchedule schedule = ScheduleSpec.Parse(Wsd("50000", "100000")).Build().LearningRates![0];

        schedule.Evaluate(0).Should().BeApproximately(1.0, 1e-12);
        schedule.Evaluate(1).Should().BeApproximately(0.1, 1e-9);
        schedule.Evaluate(2).Should().BeApproximately(1.0, 1e-9);
    }
}
