using System;
using System.Collections.Generic;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Batching;

public class BatchSizePolicyValidationTests
{
    public static IEnumerable<object[]> BadCalls()
    {
        yield return Case(() => BatchSizePolicy.Steps([5.0], [32]), "milestones.Count", "*one fewer*");
        yield return Case(() => BatchSizePolicy.Steps([5.0], [32, 0]), "sizes[1]", "*0*1 or more*");
        yield return Case(() => BatchSizePolicy.Steps([5.0, 3.0], [32, 64, 128]), "milestones[1]", "*3*greater than*5*");
        yield return Case(() => BatchSizePolicy.LinearRamp(64, 32, 1000, 64), "target", "*64*greater than start, 64*");
        yield return Case(() => BatchSizePolicy.LinearRamp(32, 32, 0, 256), "rampSamples", "*0*greater than zero*");
        yield return Case(() => BatchSizePolicy.TokenRamp(64, 32, 100), "target", "*32*no less than start, 64*");
        yield return Case(() => BatchSizePolicy.Geometric(32, 1.0, 10, 512), "factor", "*1*greater than 1*");
        yield return Case(() => BatchSizePolicy.Geometric(32, 2.0, 10, 16), "maximum", "*16*no less than initial, 32*");
        yield return Case(() => BatchSizePolicy.Geometric(32, 2.0, 0, 512), "interval", "*0*greater than zero*");
        yield return Case(() => BatchSizePolicy.Cyclic(64, 32, 10), "maximum", "*32*no less than minimum, 64*");
        yield return Case(() => BatchSizePolicy.Cyclic(32, 64, -1), "period", "*-1*greater than zero*");
        yield return Case(() => BatchSizePolicy.DecayEquivalent(Schedule.Constant(0.0), 32, 64), "schedule", "*0*greater than zero*");
        yield return Case(() => BatchSizePolicy.DecayEquivalent(Schedule.Constant(0.1), 32, 16), "maximumBatchSize", "*16*no less than referenceBatchSize, 32*");
        yield return Case(() => BatchSizePolicy.DecayEquivalent(Schedule.Constant(0.1), 32, 64, warmup: -1), "warmup", "*-1*finite number zero or more*");
        yield return Case(() => BatchSizePolicy.DecayEquivalent(Schedule.Linear(0.0, 0.1, 10).WithWarmup(5), 32, 64, warmup: 5), "schedule", "*0*where its warmup ends, at 5*greater than zero*");
        yield return Case(() => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, MaxChangeFactor = 1 }), "options", "*MaxChangeFactor' is 1*greater than 1*");
        yield return Case(() => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 30, Constraints = new BatchSizeConstraints(multiple: 8) }), "options", "*InitialBatchSize' is 30*multiple of 8*");
        yield return Case(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, CandidateRatio = 0.5, UpdateInterval = 0 }), "options", "*CandidateRatio' is 0.5*UpdateInterval' is 0*");
        yield return Case(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, ResidualThreshold = 0 }), "options", "*ResidualThreshold' is 0*greater than zero*");
        // The grid 32 · 1.0001^k up to 2^31 - 1 would hold ln(2^26) / ln(1.0001) ≈ 180,000 sizes; 1000 need a ratio of
        // (2^31 - 1 / 32)^(1/1000) ≈ 1.018 at least. A ratio of 1 + 1e-15 used to build the grid for ever.
        yield return Case(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, CandidateRatio = 1.0001 }), "options", "*CandidateRatio' is 1.0001; it must be at least 1.018*at most 1000 candidates*");
        yield return Case(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, CandidateRatio = 1 + 1e-15 }), "options", "*CandidateRatio' is 1.000000000000001*at most 1000 candidates*");
        yield return Case(() => BatchSizePolicy.FromCurve(null!), "curve", "*");
    }

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void Factory_BadArgument_ThrowsNamingParameterValueAndRule(Func<object> call, string parameter, string message)
    {
        call.Should().Throw<ArgumentException>().Where(e => e.ParamName == parameter).WithMessage(message);
    }

    [Fact]
    public void DecayEquivalent_GrowsWhereScheduleDecays_RoundsToNearest_ThenCaps()
    {
        // η(s) = 1 / (1 + s / 100) (inverse time): B(s) = 30 · η(0) / η(s) = 30 · (1 + s / 100), capped at 200,
        // then rounded to the nearest multiple of 8 (ties to the smaller).
        var policy = BatchSizePolicy.DecayEquivalent(Schedule.InverseTime(1.0, 1.0, 100).On(ProgressClock.Samples), 30, 200, new BatchSizeConstraints(multiple: 8));

        (long Samples, int Batch)[] expected =
        [
            (0, 32),     // 30 / 8 = 3.75 → 4 · 8
            (10, 32),    // 33 / 8 = 4.125 → 32
            (20, 32),    // 36 / 8 = 4.5, a tie → 32
            (30, 40),    // 39 / 8 = 4.875 → 40
            (100, 56),   // 60 / 8 = 7.5, a tie → 56
            (500, 176),  // 180 / 8 = 22.5, a tie → 176
            (600, 200),  // 210 capped at 200 = 25 · 8
            (5000, 200),
        ];
        foreach (var (samples, batch) in expected)
        {
            policy.GetBatchSize(new TrainingProgress(0, samples)).Should().Be(batch, "at {0} samples", samples);
        }
    }

    [Fact]
    public void DecayEquivalent_WithLinearScaling_KeepsNoiseScaleAtEverySample()
    {
        // η: cosine from 0.1 to 0.001 over 20,000 samples; B0 = 32, Bmax = 512, multiple 8. The batch follows
        // 32 · η(0) / η(s) rounded to the nearest multiple of 8 (ties down) up to 512, and the learning rate
        // η(s) · B(s) / B0 keeps lr / B equal to the original schedule's η(s) / B0 at every sample.
        LearningRateSchedule eta = Schedule.CosineAnnealing(0.1, 0.001, 20_000).On(ProgressClock.Samples);
        var policy = BatchSizePolicy.DecayEquivalent(eta, 32, 512, new BatchSizeConstraints(multiple: 8));
        var scaling = LearningRateScaling.Linear(32);

        for (long samples = 0; samples <= 25_000; samples++)
        {
            var progress = new TrainingProgress(0, samples);
            double cosine = 0.001 + (0.099 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(samples, 20_000) / 20_000.0)));
            double wanted = Math.Min(512, 32 * 0.1 / cosine);
            double units = wanted / 8;
            int expectedBatch = (int)((units - Math.Floor(units) > 0.5 ? Math.Floor(units) + 1 : Math.Floor(units)) * 8);
            int batch = policy.GetBatchSize(progress);
            batch.Should().Be(expectedBatch, "at {0} samples", samples);

            double lr = eta.Evaluate(progress) * scaling.GetFactor(batch, GradientNoise.Unknown);
            (lr / batch).Should().BeApproximately(cosine / 32, 1e-12 * cosine / 32);
        }
    }

    [Fact]
    public void DecayEquivalent_WarmupThenStepDecay_StaysAtReferenceUntilTheFirstHalving()
    {
        // Warmup from 1e-3 to 0.1 over 5 steps, then StepLR (halve every 10) on its own clock: the peak is η(5) = 0.1.
        // B = 64 while the rate rises and holds, 64 · 0.1 / 0.05 = 128 after the first halving, then 256, then 512 capped.
        LearningRateSchedule eta = Schedule.Step(0.1, 10, 0.5).WithWarmup(5, startValue: 1e-3);
        var policy = BatchSizePolicy.DecayEquivalent(eta, 64, 512, warmup: 5);

        (long Step, int Batch)[] expected = [(0, 64), (1, 64), (4, 64), (5, 64), (14, 64), (15, 128), (24, 128), (25, 256), (35, 512), (100, 512)];
        foreach (var (step, batch) in expected)
        {
            policy.GetBatchSize(TrainingProgress.AtStep(step)).Should().Be(batch, "at step {0}", step);
        }
    }

    [Fact]
    public void DecayEquivalent_WarmupNotGiven_ThrowsInsteadOfShrinkingTheBatch()
    {
        // Referred to η(0) = 1e-3, the batch would be 64 · 1e-3 / 0.1 ≈ 0.6 at the warmup's end; the schedule rises from
        // 1e-3 at 0 to 1e-3 + (0.1 - 1e-3) / 5 = 0.0208 at 1, so it is refused, naming warmup.
        LearningRateSchedule eta = Schedule.Step(0.1, 10, 0.5).WithWarmup(5, startValue: 1e-3);

        var act = () => BatchSizePolicy.DecayEquivalent(eta, 64, 512);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("warmup").WithMessage("*0*stops rising*from 0.001 there to 0.0208*warmup*");
    }

    [Fact]
    public void FromCurve_NaNValue_ThrowsInsteadOfReturningZero()
    {
        var policy = BatchSizePolicy.FromCurve(Schedule.FromFunction(t => t < 5 ? 64 : double.NaN));

        policy.GetBatchSize(TrainingProgress.AtStep(4)).Should().Be(64);
        var act = () => policy.GetBatchSize(TrainingProgress.AtStep(5));

        act.Should().Throw<InvalidOperationException>().WithMessage("*NaN*");
    }

    [Fact]
    public void Restore_StateOfAnotherKind_ThrowsNamingTheMissingEntry()
    {
        var plateau = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(32), new PlateauBatchSizeOptions());
        var noise = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32 });

        var act = () => plateau.Restore(noise.State);

        act.Should().Throw<ArgumentException>().WithMessage("*lacks the entry 'multiplier'*");
        plateau.GetBatchSize(default).Should().Be(32);
    }

    [Fact]
    public void Restore_BatchNotAllowed_Throws()
    {
        var policy = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, Constraints = new BatchSizeConstraints(multiple: 8) });
        var state = policy.State with { BatchSize = 33 };

        var act = () => policy.Restore(state);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*33*multiple of 8*");
    }

    private static object[] Case(Func<object> call, string parameter, string message) => [call, parameter, message];
}
