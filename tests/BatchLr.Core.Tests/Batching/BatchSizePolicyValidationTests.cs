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
        yield return Case(() => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, MaxChangeFactor = 1 }), "options", "*MaxChangeFactor' is 1*greater than 1*");
        yield return Case(() => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 30, Constraints = new BatchSizeConstraints(multiple: 8) }), "options", "*InitialBatchSize' is 30*multiple of 8*");
        yield return Case(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, CandidateRatio = 0.5, UpdateInterval = 0 }), "options", "*CandidateRatio' is 0.5*UpdateInterval' is 0*");
        yield return Case(() => BatchSizePolicy.FromCurve(null!), "curve", "*");
    }

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void Factory_BadArgument_ThrowsNamingParameterValueAndRule(Func<object> call, string parameter, string message)
    {
        call.Should().Throw<ArgumentException>().Where(e => e.ParamName == parameter).WithMessage(message);
    }

    [Fact]
    public void DecayEquivalent_GrowsWhereScheduleDecays_ThenCaps()
    {
        // η halves every 100 samples; B0 = 32 → B = 32 · η(0) / η(s) = 32 · 2^floor(s / 100), capped at 200 (largest multiple of 8 ≤ 200).
        var policy = BatchSizePolicy.DecayEquivalent(Schedule.Step(1.0, 100, 0.5).On(ProgressClock.Samples), 32, 200, new BatchSizeConstraints(multiple: 8));

        foreach (long samples in new long[] { 0, 99, 100, 250, 300, 1000 })
        {
            double wanted = Math.Min(200, 32 * Math.Pow(2, Math.Floor(samples / 100.0)));
            int expected = Math.Min(200, (int)(Math.Round(wanted / 8, MidpointRounding.ToZero) * 8));
            policy.GetBatchSize(new TrainingProgress(0, samples)).Should().Be(expected, "at {0} samples", samples);
        }
    }

    [Fact]
    public void DecayEquivalent_WithLinearScaling_KeepsNoiseScaleAtEverySample()
    {
        // η: cosine from 0.1 to 0.001 over 20,000 samples; B0 = 32, Bmax = 512, multiple 8. At every sample
        // the learning rate η(s) · B(s) / B0 over the batch B(s) must equal the original schedule's η(s) / B0,
        // whatever rounding the constraints applied to B(s).
        LearningRateSchedule eta = Schedule.CosineAnnealing(0.1, 0.001, 20_000).On(ProgressClock.Samples);
        var policy = BatchSizePolicy.DecayEquivalent(eta, 32, 512, new BatchSizeConstraints(multiple: 8));
        var scaling = LearningRateScaling.Linear(32);

        bool capped = false;
        for (long samples = 0; samples <= 25_000; samples++)
        {
            var progress = new TrainingProgress(0, samples);
            int batch = policy.GetBatchSize(progress);
            double lr = eta.Evaluate(progress) * scaling.GetFactor(batch, GradientNoise.Unknown);
            double expected = eta.Evaluate(progress) / 32;
            (lr / batch).Should().BeApproximately(expected, 1e-12 * expected);
            capped |= batch == 512;
        }

        capped.Should().BeTrue("η falls by 100×, so the batch must reach its maximum and the rest of the decay moves to the rate");
    }

    [Fact]
    public void Restore_StateOfAnotherKind_ThrowsNamingTheMissingEntry()
    {
        var plateau = BatchSizePolicy.OnPlateau(new PlateauBatchSizeOptions { InitialBatchSize = 32 });
        var noise = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32 });

        var act = () => plateau.Restore(noise.State);

        act.Should().Throw<ArgumentException>().WithMessage("*lacks the entry 'best'*");
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
