using System;
using System.Collections.Generic;
using System.Globalization;
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

        // Exact rule texts, where a later check would refuse the value too but state another rule.
        yield return Case(() => BatchSizePolicy.Fixed(0), "batchSize", "'batchSize' is 0; it must be greater than zero.*");
        yield return Case(() => BatchSizePolicy.Steps([5.0], [32]), "milestones.Count", "'milestones.Count' is 1; it must be one fewer than sizes.Count, 0.*");
        yield return Case(() => BatchSizePolicy.LinearRamp(32, 32, 1000, 256, new BatchSizeConstraints(replicas: 3)), "start", "'start' is 32; it must be a multiple of the constraints' granularity, 3, so every size of the ramp is allowed.*");
        yield return Case(() => BatchSizePolicy.Cyclic(32, 64, -1), "period", "'period' is -1; it must be a finite number greater than zero.*");
        yield return Case(() => BatchSizePolicy.Cyclic(32, 64, double.PositiveInfinity), "period", "'period' is Infinity; it must be a finite number greater than zero.*");
        yield return Case(() => BatchSizePolicy.Cyclic(32, 64, 5e-324), "period", "'period' is 5E-324; it must be large enough that half of it, the rise, is greater than zero.*");

        // One broken option gives exactly its own rule line: a ratio of 1 is not also measured against the grid's least ratio.
        yield return Case(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, CandidateRatio = 1, Constraints = new BatchSizeConstraints(maximum: 4096) }), "options", "'options.CandidateRatio' is 1; it must be a finite number greater than 1. (Parameter 'options')");
        yield return Case(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 0 }), "options", "'options.UpdateInterval' is 0; it must be 1 or more. (Parameter 'options')");
        yield return Case(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, Constraints = null! }), "options", "'options.Constraints' is null; it must be set. (Parameter 'options')");
        yield return Case(() => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, Constraints = null! }), "options", "'options.Constraints' is null; it must be set. (Parameter 'options')");
    }

    [Theory]
    [MemberData(nameof(NullCalls))]
    public void Factory_NullArgument_ThrowsArgumentNullException(Func<object> call, string parameter)
    {
        call.Should().Throw<ArgumentNullException>().WithParameterName(parameter);
    }

    public static IEnumerable<object[]> NullCalls() =>
    [
        [(Func<object>)(() => BatchSizePolicy.Steps([5.0], null!)), "sizes"],
        [(Func<object>)(() => BatchSizePolicy.DecayEquivalent(null!, 32, 64)), "schedule"],
        [(Func<object>)(() => BatchSizePolicy.OnPlateau(null!, new PlateauBatchSizeOptions())), "basePolicy"],
        [(Func<object>)(() => BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(32), null!)), "options"],
        [(Func<object>)(() => BatchSizePolicy.NoiseAdaptive(null!)), "options"],
        [(Func<object>)(() => BatchSizePolicy.Goodput(null!)), "options"],
    ];

    [Theory]
    [InlineData(32, 4096)]         // span 128: the least ratio is 128^(1/1000) ≈ 1.00486
    [InlineData(1, int.MaxValue)]  // InitialBatchSize 1 is checked too: (2^31 - 1)^(1/1000) ≈ 1.02172
    public void Goodput_CandidateRatioAtTheLeastItsRuleNames_IsAccepted_AndOneBelowIsRefused(int initial, int maximum)
    {
        // The rule: ratio^1000 at least the largest allowed size over InitialBatchSize, ratio ≥ (maximum / initial)^(1/1000).
        double least = Math.Pow((double)maximum / initial, 1.0 / 1000);
        var constraints = new BatchSizeConstraints(maximum: maximum);

        var accepted = () => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = initial, CandidateRatio = least, Constraints = constraints });
        var refused = () => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = initial, CandidateRatio = Math.BitDecrement(least), Constraints = constraints });

        accepted.Should().NotThrow();
        string below = Math.BitDecrement(least).ToString("R", CultureInfo.InvariantCulture);
        string named = least.ToString("R", CultureInfo.InvariantCulture);
        string max = maximum.ToString(CultureInfo.InvariantCulture);
        refused.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage($"*'options.CandidateRatio' is {below}; it must be at least {named}, so the grid from InitialBatchSize to the largest allowed size, {max}, holds at most 1000 candidates*");
    }

    [Fact]
    public void Steps_SizeOne_IsAllowed()
    {
        var policy = BatchSizePolicy.Steps([5.0], [1, 2]);

        policy.GetBatchSize(TrainingProgress.AtStep(0)).Should().Be(1);
        policy.GetBatchSize(TrainingProgress.AtStep(5)).Should().Be(2);
    }

    [Fact]
    public void RampsAndCycles_EqualBounds_HoldTheOneSize()
    {
        // Each bound check allows equality ("no less than"): the curve is then constant.
        IBatchSizePolicy[] policies =
        [
            BatchSizePolicy.TokenRamp(64, 64, 100),
            BatchSizePolicy.Geometric(64, 2.0, 10, 64, ProgressClock.Steps),
            BatchSizePolicy.Cyclic(64, 64, 10),
            BatchSizePolicy.DecayEquivalent(Schedule.Linear(0.1, 0.01, 100), 64, 64),
        ];

        foreach (IBatchSizePolicy policy in policies)
        {
            foreach (long t in (long[])[0, 5, 50, 1000])
            {
                policy.GetBatchSize(new TrainingProgress(t, t, t, t)).Should().Be(64);
            }
        }
    }

    [Fact]
    public void Geometric_MaximumBelowTheConstraintsMaximum_CapsTheRoundedSize()
    {
        // The curve stops at 500, which rounds to 512 on a multiple of 64; the maximum 500 lowers the largest allowed size to
        // 448, 7 · 64, so far out the batch is 448.
        var policy = BatchSizePolicy.Geometric(64, 2.0, 10, 500, ProgressClock.Steps, new BatchSizeConstraints(multiple: 64));

        policy.Constraints.HighestAllowed.Should().Be(448);
        policy.GetBatchSize(TrainingProgress.AtStep(1000)).Should().Be(448);
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

    public static IEnumerable<object[]> DecayedRates() => [[0.0], [-0.0], [-0.05]];

    [Theory]
    [MemberData(nameof(DecayedRates))]
    public void DecayEquivalent_RateDecayedToZeroOrBelow_GivesTheMaximum(double decayed)
    {
        // η = 0.1 before step 10, then a rate of zero or less: fully decayed, so the batch is the maximum, 256, not
        // 32 · 0.1 / η (infinite at 0 and -0, negative below, which would fall to the smallest size).
        var policy = BatchSizePolicy.DecayEquivalent(Schedule.FromFunction(t => t < 10 ? 0.1 : decayed), 32, 256);

        policy.GetBatchSize(TrainingProgress.AtStep(9)).Should().Be(32);
        policy.GetBatchSize(TrainingProgress.AtStep(10)).Should().Be(256);
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

    public static IEnumerable<object[]> AdaptiveKinds() =>
    [
        [(Func<IAdaptiveBatchSizePolicy>)(() => BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32, Constraints = new BatchSizeConstraints(multiple: 8) }))],
        [(Func<IAdaptiveBatchSizePolicy>)(() => BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, Constraints = new BatchSizeConstraints(multiple: 8, maximum: 4096) }))],
        [(Func<IAdaptiveBatchSizePolicy>)(() => BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(32, new BatchSizeConstraints(multiple: 8)), new PlateauBatchSizeOptions()))],
    ];

    [Theory]
    [MemberData(nameof(AdaptiveKinds))]
    public void Restore_NullState_ThrowsArgumentNullException(Func<IAdaptiveBatchSizePolicy> create)
    {
        var act = () => create().Restore(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("state");
    }

    [Theory]
    [MemberData(nameof(AdaptiveKinds))]
    public void Restore_BatchNotAllowed_ThrowsNamingTheRule_AndChangesNothing(Func<IAdaptiveBatchSizePolicy> create)
    {
        IAdaptiveBatchSizePolicy policy = create();
        AdaptiveBatchState before = policy.State;

        var act = () => policy.Restore(before with { BatchSize = 36 });

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state").WithMessage("'state.BatchSize' is 36; it must be a multiple of 8 between 8 and *.*");
        policy.State.Should().Be(before);
    }

    [Theory]
    [InlineData(2147483647.0, true)]  // int.MaxValue: the largest count
    [InlineData(2147483648.0, false)] // one more is no int
    public void Restore_CountAtIntMaxValue_IsTheLargestAccepted(double count, bool accepted)
    {
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, Constraints = new BatchSizeConstraints(maximum: 4096) });
        var values = new Dictionary<string, double>(policy.State.Values) { ["residual_count"] = count };

        var act = () => policy.Restore(policy.State with { Values = values });

        if (accepted)
        {
            act.Should().NotThrow();
            policy.State.Values["residual_count"].Should().Be(count);
        }
        else
        {
            act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("'state.Values[residual_count]' is 2147483648; it must be a whole number zero or more.*");
        }
    }

    private static object[] Case(Func<object> call, string parameter, string message) => [call, parameter, message];
}
