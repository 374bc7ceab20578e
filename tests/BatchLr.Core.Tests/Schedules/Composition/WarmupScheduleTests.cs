using System.Linq;
using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Composition;

/// <summary>Tests of <c>WarmupSchedule</c>, behind <see cref="Schedule.WithWarmup"/>.</summary>
public class WarmupScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.0;

    protected override double UpperBound => 10.0;

    protected override LearningRateSchedule Create() => Schedule.CosineAnnealing(10, 0, 80).WithWarmup(20);

    protected override Gen<GeneratedSchedule> Generated => Gen.OneOf(
        Gen.Select(ScheduleGen.Value, ScheduleGen.Length, ScheduleGen.Length, ScheduleGen.Value)
            .Select(Gen.OneOf(AnnealShape.Linear, AnnealShape.Cosine, AnnealShape.OneMinusSqrt), Gen.OneOf(WarmupMode.Prefix, WarmupMode.Overlap))
            .Select((p, shape, mode) =>
            {
                var (a, d, w, start) = p;
                return new GeneratedSchedule(Schedule.CosineAnnealing(a, 0, d).WithWarmup(w, start, shape, mode), 0, Math.Max(a, start), w, "WithWarmup " + shape + " " + mode + " " + ScheduleGen.Show(a, d, w, start));
            }),
        Gen.Select(ScheduleGen.PositiveValue, ScheduleGen.Length, ScheduleGen.Length, ScheduleGen.PositiveValue)
            .Select((a, d, w, start) => new GeneratedSchedule(Schedule.CosineAnnealing(a, 0, d).WithWarmup(w, start, AnnealShape.Exponential), 0, Math.Max(a, start), w, "WithWarmup Exponential " + ScheduleGen.Show(a, d, w, start))));

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.NotPositive.Select(w => InvalidCall.Of(() => Schedule.Constant(1).WithWarmup(w), "duration", "duration", w)),
        ScheduleGen.NotFinite.Select(s => InvalidCall.Of(() => Schedule.Constant(1).WithWarmup(10, s), "startValue", "startValue", s)),
        ScheduleGen.NotPositive.Select(s => InvalidCall.Of(() => Schedule.Constant(1).WithWarmup(10, s, AnnealShape.Exponential), "startValue", "startValue", s)));

    [Fact]
    public void WithWarmup_HuggingFaceConstantWithWarmup_MatchesExpectedList()
    {
        // transformers tests/optimization/test_optimization.py, ScheduleInitTest.test_schedulers: get_constant_schedule_with_warmup
        // (num_warmup_steps=4), lr 10: [0.0, 2.5, 5.0, 7.5, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0].
        Approx.Sequence(Schedule.Constant(10).WithWarmup(4), [0.0, 2.5, 5.0, 7.5, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0]);
    }

    [Fact]
    public void WithWarmup_HuggingFaceLinearWithWarmup_MatchesExpectedList()
    {
        // test_optimization.py, get_linear_schedule_with_warmup(num_warmup_steps=2, num_training_steps=10), lr 10:
        // [0.0, 5.0, 10.0, 8.75, 7.5, 6.25, 5.0, 3.75, 2.5, 1.25]; HF's lambda max(0, (N - s) / (N - W)) after the warmup.
        Approx.Sequence(Schedule.Linear(10, 0, 8).WithWarmup(2), [0.0, 5.0, 10.0, 8.75, 7.5, 6.25, 5.0, 3.75, 2.5, 1.25]);
    }

    [Fact]
    public void WithWarmup_HuggingFaceCosineWithWarmup_MatchesExpectedList()
    {
        // test_optimization.py, get_cosine_schedule_with_warmup(num_warmup_steps=2, num_training_steps=10), lr 10:
        // [0.0, 5.0, 10.0, 9.61, 8.53, 6.91, 5.0, 3.08, 1.46, 0.38], printed to two decimals and asserted within 1e-2;
        // HF's lambda 0.5 (1 + cos(pi · 2 · 0.5 · progress)) checked at 1e-12.
        var schedule = Schedule.CosineAnnealing(10, 0, 8).WithWarmup(2);
        Approx.SequenceWithin(schedule, [0.0, 5.0, 10.0, 9.61, 8.53, 6.91, 5.0, 3.08, 1.46, 0.38], 1e-2);
        for (int s = 2; s < 10; s++)
        {
            Approx.Equal(10 * 0.5 * (1 + Math.Cos(Math.PI * 2 * 0.5 * (s - 2) / 8.0)), schedule.Evaluate(s));
        }
    }

    [Fact]
    public void WithWarmup_HuggingFacePolynomialWithWarmup_MatchesExpectedList()
    {
        // test_optimization.py, get_polynomial_decay_schedule_with_warmup(2, 10, power=2.0, lr_end=1e-7), lr 10:
        // [0.0, 5.0, 10.0, 7.656, 5.625, 3.906, 2.5, 1.406, 0.625, 0.156], asserted within 1e-2.
        var schedule = Schedule.Polynomial(10, 1e-7, 8, power: 2).WithWarmup(2);
        Approx.SequenceWithin(schedule, [0.0, 5.0, 10.0, 7.656, 5.625, 3.906, 2.5, 1.406, 0.625, 0.156], 1e-2);
        for (int s = 2; s < 10; s++)
        {
            Approx.Equal(((10 - 1e-7) * Math.Pow(1 - ((s - 2) / 8.0), 2)) + 1e-7, schedule.Evaluate(s));
        }
    }

    [Fact]
    public void WithWarmup_OptaxWarmupCosineDecayLimits_MatchExpected()
    {
        // optax/schedules/_schedule_test.py, WarmupCosineDecayTest.test_limits: warmup_cosine_decay_schedule(init, peak,
        // warmup_steps=100, decay_steps=1000, end) is init at 0, peak at 100 and end at 1000 (rtol 1e-3 there);
        // cases (10, 0.5, 1e-4) and (5, 3, 0). optax's decay_steps include the warmup, so the cosine lasts 900.
        foreach (var (init, peak, end) in new[] { (10.0, 0.5, 1e-4), (5.0, 3.0, 0.0) })
        {
            var schedule = Schedule.CosineAnnealing(peak, end, 900).WithWarmup(100, startValue: init);
            Approx.Equal(init, schedule.Evaluate(0));
            Approx.Equal(peak, schedule.Evaluate(100));
            Approx.Within(end, schedule.Evaluate(1000), 1e-3 * Math.Abs(end));
        }
    }

    [Theory]
    [InlineData(AnnealShape.Linear)]
    [InlineData(AnnealShape.Cosine)]
    [InlineData(AnnealShape.OneMinusSqrt)]
    [InlineData(AnnealShape.Exponential)]
    public void WithWarmup_EveryShape_MatchesDocumentedRise(AnnealShape shape)
    {
        var inner = Schedule.Exponential(2.0, 0.9);
        var schedule = inner.WithWarmup(8, startValue: 0.1, shape: shape);

        for (double t = 0; t < 8; t += 0.5)
        {
            double p = t / 8;
            double expected = shape switch
            {
                AnnealShape.Linear => 0.1 + ((2.0 - 0.1) * p),
                AnnealShape.Cosine => 0.1 + ((2.0 - 0.1) * (1 - Math.Cos(Math.PI * p)) / 2),
                AnnealShape.OneMinusSqrt => 0.1 + ((2.0 - 0.1) * (1 - Math.Sqrt(1 - p))),
                _ => 0.1 * Math.Pow(2.0 / 0.1, p),
            };
            Approx.Equal(expected, schedule.Evaluate(t));
        }

        Approx.Equal(2.0 * Math.Pow(0.9, 3), schedule.Evaluate(11), because: "a prefix runs the schedule from its own zero");
    }

    [Fact]
    public void WithWarmup_Overlap_RisesToValueAtEndOfWarmupThenKeepsGlobalClock()
    {
        var inner = Schedule.Linear(1.0, 0.0, 100);
        var schedule = inner.WithWarmup(20, mode: WarmupMode.Overlap);

        Approx.Equal(0.8 * 10 / 20, schedule.Evaluate(10));
        Approx.Equal(0.8, schedule.Evaluate(20));
        Approx.Equal(0.5, schedule.Evaluate(50));
    }

    [Fact]
    public void WithWarmup_AnyDuration_ReachesTargetAndStaysBetweenStartAndTarget()
    {
        Gen.Select(Gen.Double[1e-2, 1e4], Gen.Double[0, 1], Gen.Double[0.1, 10], Gen.Double[0, 1])
            .Sample((duration, start, target, fraction) =>
            {
                var schedule = Schedule.Constant(target).WithWarmup(duration, startValue: start);
                schedule.Evaluate(duration).Should().Be(target);
                Approx.InRange(schedule.Evaluate(fraction * duration), Math.Min(start, target), Math.Max(start, target));
            });
    }

    [Fact]
    public void Scale_OfAWarmupFromAStartAboveTheSchedule_CountsTheStart()
    {
        // The warmup starts at 1e300, far above the schedule's 1, so scaling by 1e10 would give 1e310 at position 0.
        Action act = () => Schedule.Constant(1).WithWarmup(5, startValue: 1e300).Scale(1e10);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("factor")
            .WithMessage("*'factor' is 10000000000; it must be small enough that factor times the schedule's largest magnitude, 1E+300, is finite*");
    }

    [Theory]
    [InlineData(AnnealShape.Linear)]
    [InlineData(AnnealShape.Cosine)]
    [InlineData(AnnealShape.OneMinusSqrt)]
    public void WithWarmup_InsideItsEnds_IsTheDocumentedFormulaBitForBit(AnnealShape shape)
    {
        // v = start + (T - start) · rise(p), in that association (the warmup's original arithmetic, kept bit for bit).
        var schedule = Schedule.Exponential(2.0, 0.9).WithWarmup(8, startValue: 0.1, shape: shape);

        for (double t = 0; t < 8; t += 0.125)
        {
            double p = t / 8;
            double rise = Rise(shape, p);
            schedule.Evaluate(t).Should().Be(0.1 + ((2.0 - 0.1) * rise), "position {0}", t);
        }
    }

    [Theory]
    [InlineData(AnnealShape.Linear)]
    [InlineData(AnnealShape.Cosine)]
    [InlineData(AnnealShape.OneMinusSqrt)]
    public void WithWarmup_EndsOfOppositeSignNearTheLargestDouble_FollowsTheRise(AnnealShape shape)
    {
        // From -1e308 to 1e308, T - start overflows to infinity; the value is still start + (T - start) · rise(p), computed as
        // start · (1 - rise) + T · rise, which stays finite.
        var schedule = Schedule.Constant(1e308).WithWarmup(6, startValue: -1e308, shape: shape);

        foreach (double t in (double[])[1, 2, 3, 4, 5])
        {
            double rise = Rise(shape, t / 6);
            Approx.Equal((-1e308 * (1 - rise)) + (1e308 * rise), schedule.Evaluate(t), because: "position " + t);
        }
    }

    [Theory]
    [InlineData(WarmupMode.Prefix)]
    [InlineData(WarmupMode.Overlap)]
    public void WithWarmup_AtTheEndOfTheWarmup_IsTheScheduleBitForBit(WarmupMode mode)
    {
        // From its duration on, the warmup follows the schedule. The rise's formula at p = 1 would not land there:
        // 0.7 + (0.001 - 0.7) · 1 rounds to 0.0010000000000000009, not 0.001.
        var schedule = Schedule.Constant(0.001).WithWarmup(4, startValue: 0.7, mode: mode);

        schedule.Evaluate(4).Should().Be(0.001);
    }

    private static double Rise(AnnealShape shape, double p) => shape switch
    {
        AnnealShape.Linear => p,
        AnnealShape.Cosine => 0.5 * (1 - Math.Cos(Math.PI * p)),
        _ => 1 - Math.Sqrt(1 - p),
    };
}
