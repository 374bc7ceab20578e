using System;
using System.Linq;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>
/// Tests of <c>AnnealSchedule</c>, behind <see cref="Schedule.Anneal"/>, <see cref="Schedule.Linear"/>,
/// <see cref="Schedule.CosineAnnealing"/>, <see cref="Schedule.CosineWithMinRatio"/> and non-cyclic
/// <see cref="Schedule.Polynomial"/>. The conformance representative is cosine annealing.
/// </summary>
public class AnnealScheduleTests : ScheduleConformanceTests
{
    // PyTorch's test fixture: two parameter groups, base rates 0.05 and 0.5 (test_lrscheduler.py, setUp).
    private static readonly double[] Bases = [0.05, 0.5];

    protected override double LowerBound => 0.001;

    protected override double UpperBound => 0.1;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() => Schedule.CosineAnnealing(0.1, 0.001, Horizon);

    protected override Gen<GeneratedSchedule> Generated => Gen.OneOf(
        Gen.Select(ScheduleGen.Wide, ScheduleGen.Wide, ScheduleGen.Length, Gen.OneOf(AnnealShape.Linear, AnnealShape.Cosine, AnnealShape.OneMinusSqrt))
            .Select((s, e, d, shape) => Bounded(Schedule.Anneal(s, e, d, shape), d, "Anneal " + shape, s, e, d)),
        Gen.Select(ScheduleGen.PositiveValue, ScheduleGen.PositiveValue, ScheduleGen.Length)
            .Select((s, e, d) => Bounded(Schedule.Anneal(s, e, d, AnnealShape.Exponential), d, "Anneal Exponential", s, e, d)),
        Gen.Select(ScheduleGen.Value, ScheduleGen.Value, ScheduleGen.Length, Gen.Double[0.05, 20])
            .Select((i, m, d, k) => Bounded(Schedule.CosineAnnealing(i, m, d, k), d, "CosineAnnealing", i, m, d, k)),
        Gen.Select(ScheduleGen.Value, Gen.Double[0, 1], ScheduleGen.Length)
            .Select((i, r, d) => new GeneratedSchedule(Schedule.CosineWithMinRatio(i, r, d), i * r, i, d, "CosineWithMinRatio " + ScheduleGen.Show(i, r, d))),
        Gen.Select(ScheduleGen.Wide, ScheduleGen.Wide, ScheduleGen.Length, Gen.Double[1e-3, 50])
            .Select((i, e, d, p) => Bounded(Schedule.Polynomial(i, e, d, p), d, "Polynomial", i, e, d, p)));

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        ScheduleGen.NotPositive.Select(d => InvalidCall.Of(() => Schedule.Anneal(1, 0, d, AnnealShape.Cosine), "duration", "duration", d)),
        ScheduleGen.NotFinite.Select(s => InvalidCall.Of(() => Schedule.Linear(s, 0, 10), "start", "start", s)),
        ScheduleGen.NotPositive.Select(e => InvalidCall.Of(() => Schedule.Anneal(1, e, 10, AnnealShape.Exponential), "end", "end", e)),
        ScheduleGen.Negative.Select(i => InvalidCall.Of(() => Schedule.CosineAnnealing(i, 0, 10), "initial", "initial", i)),
        ScheduleGen.NotPositive.Select(k => InvalidCall.Of(() => Schedule.CosineAnnealing(1, 0, 10, k), "exponent", "exponent", k)),
        Gen.OneOf(Gen.Double[1.000001, 10], Gen.Double[-10, -1e-9], ScheduleGen.NotFinite).Select(r => InvalidCall.Of(() => Schedule.CosineWithMinRatio(1, r, 10), "minRatio", "minRatio", r)),
        ScheduleGen.NotPositive.Select(p => InvalidCall.Of(() => Schedule.Polynomial(1, 0, 10, p), "power", "power", p)));

    private static GeneratedSchedule Bounded(LearningRateSchedule schedule, double horizon, string name, double start, double end, params double[] rest)
    {
        (double low, double high) = ScheduleGen.Range(start, end);
        return new GeneratedSchedule(schedule, low, high, horizon, name + " " + ScheduleGen.Show([start, end, .. rest]));
    }

    [Fact]
    public void CosineAnnealing_WithinTMax_MatchesFormula()
    {
        var schedule = Schedule.CosineAnnealing(0.3, 0.02, 37, exponent: 1.5);

        for (double t = 0; t <= 37; t += 0.25)
        {
            double expected = 0.02 + ((0.3 - 0.02) * Math.Pow((1 + Math.Cos(Math.PI * t / 37)) / 2, 1.5));
            Approx.Equal(expected, schedule.Evaluate(t));
        }
    }

    [Fact]
    public void CosineAnnealing_PyTorchTestCosAnnealLr_MatchesTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_cos_anneal_lr: T_max = epochs = 10, eta_min = 1e-10,
        // targets eta_min + (base - eta_min) * (1 + cos(pi * x / epochs)) / 2 for x in range(epochs).
        const double etaMin = 1e-10;
        foreach (double b in Bases)
        {
            var schedule = Schedule.CosineAnnealing(b, etaMin, 10);
            double[] targets = Enumerable.Range(0, 10).Select(x => etaMin + ((b - etaMin) * (1 + Math.Cos(Math.PI * x / 10)) / 2)).ToArray();
            Approx.Sequence(schedule, targets);
        }
    }

    [Fact]
    public void CosineAnnealing_PastTMax_HoldsMinimumUnlikePyTorch()
    {
        // Deliberate difference (XML docs of Schedule.CosineAnnealing): PyTorch keeps oscillating past T_max; we hold eta_min.
        var schedule = Schedule.CosineAnnealing(0.05, 1e-10, 10);

        foreach (double t in new[] { 10.0, 10.5, 11, 15, 20, 1e6 })
        {
            schedule.Evaluate(t).Should().Be(1e-10);
        }
    }

    [Fact]
    public void CosineAnnealing_OptaxTestWithExponent_MatchesPublishedValues()
    {
        // optax/schedules/_schedule_test.py, CosineDecayTest.test_with_exponent: cosine_decay_schedule(init_value=0.1,
        // decay_steps=100, alpha=0.0, exponent=2) at [0, 10, 50, 75, 100]; optax asserts rtol=1e-6 (float32), so we do too.
        var schedule = Schedule.CosineAnnealing(0.1, 0.0, 100, exponent: 2);
        double[] positions = [0, 10, 50, 75, 100];
        double[] expected = [0.1, 0.09516553580760956, 0.025, 0.0021446612663567066, 0.0];

        for (int i = 0; i < positions.Length; i++)
        {
            Approx.Within(expected[i], schedule.Evaluate(positions[i]), (1e-6 * Math.Abs(expected[i])) + 1e-8);
        }
    }

    [Fact]
    public void CosineAnnealing_OptaxTestDecayCountGreaterCount_MatchesMultipliers()
    {
        // optax/schedules/_schedule_test.py, CosineDecayTest.test_decay_count_greater_count and ..._with_alpha:
        // cosine_decay_schedule(0.1, 5, alpha) over 12 counts; multipliers 0.5 + 0.5 cos(pi * min(c / 5, 1)),
        // scaled as (1 - alpha) * m + alpha. Our CosineWithMinRatio(0.1, alpha, 5).
        foreach (double alpha in new[] { 0.0, 0.1 })
        {
            var schedule = Schedule.CosineWithMinRatio(0.1, alpha, 5);
            double[] fractions = [0.0, 0.2, 0.4, 0.6, 0.8, 1, 1, 1, 1, 1, 1, 1];
            double[] expected = fractions.Select(f => 0.1 * (((1 - alpha) * (0.5 + (0.5 * Math.Cos(Math.PI * f)))) + alpha)).ToArray();
            Approx.Sequence(schedule, expected);
        }
    }

    [Fact]
    public void CosineWithMinRatio_KerasCosineDecayTests_MatchFormula()
    {
        // keras/src/optimizers/schedules/learning_rate_schedule_test.py, CosineDecayTest.test_decay and test_alpha:
        // CosineDecay(1.0, 1000, alpha) at steps 0, 250, ..., 1250; np_cosine_decay: step = min(step, decay_steps),
        // decay = 0.5 (1 + cos(pi step / decay_steps)), (1 - alpha) decay + alpha.
        foreach (double alpha in new[] { 0.0, 0.1 })
        {
            var schedule = Schedule.CosineWithMinRatio(1.0, alpha, 1000);
            for (int step = 0; step < 1500; step += 250)
            {
                double fraction = Math.Min(step, 1000) / 1000.0;
                double expected = ((1.0 - alpha) * 0.5 * (1.0 + Math.Cos(Math.PI * fraction))) + alpha;
                Approx.Equal(expected, schedule.Evaluate(step));
            }
        }
    }

    [Fact]
    public void Linear_PyTorchTestLinearlr_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_linearlr: start_factor = 1/2, total_iters = 4, epochs = 10;
        // targets base * (start + i (1 - start) / iters) for i < 4, then base.
        foreach (double b in Bases)
        {
            var schedule = Schedule.Linear(b * 0.5, b, 4);
            double[] targets = Enumerable.Range(0, 4).Select(i => b * (0.5 + (i * 0.5 / 4))).Concat(Approx.Repeat(b, 6)).ToArray();
            Approx.Sequence(schedule, targets);
        }
    }

    [Fact]
    public void Linear_PyTorchTestGetLastLrLinearlr_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_get_last_lr_linearlr: start_factor = 1/4, end_factor = 3/5, total_iters = 4.
        foreach (double b in Bases)
        {
            var schedule = Schedule.Linear(b / 4, b * 3 / 5, 4);
            double[] targets = Enumerable.Range(0, 4).Select(i => b * (0.25 + (i * (0.6 - 0.25) / 4))).Concat(Approx.Repeat(b * 0.6, 6)).ToArray();
            Approx.Sequence(schedule, targets);
        }
    }

    [Fact]
    public void Polynomial_PyTorchTestPolyLr_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_poly_lr: power = 0.9, total_iters = 5, epochs = 10;
        // targets (1 - x / total_iters) ** power * base for x < 5, then 0.
        foreach (double b in Bases)
        {
            var schedule = Schedule.Polynomial(b, 0.0, 5, power: 0.9);
            double[] targets = Enumerable.Range(0, 5).Select(x => Math.Pow(1.0 - (x / 5.0), 0.9) * b).Concat(Approx.Repeat(0.0, 5)).ToArray();
            Approx.Sequence(schedule, targets);
        }
    }

    [Fact]
    public void Polynomial_OptaxPolynomialTests_MatchExpectedValues()
    {
        // optax/schedules/_schedule_test.py, PolynomialTest.test_linear: init 10, end 20, power 1, 10 steps ->
        // list(range(10, 20)) + [20] * 5; PolynomialTest.test_nonlinear: init 25, end 10, power 2 ->
        // [10 + 15 (1 - n / 10) ** 2 for n in range(10)] + [10] * 5.
        Approx.Sequence(Schedule.Polynomial(10, 20, 10, power: 1), Enumerable.Range(10, 10).Select(n => (double)n).Concat(Approx.Repeat(20, 5)).ToArray());
        Approx.Sequence(Schedule.Polynomial(25, 10, 10, power: 2), Enumerable.Range(0, 10).Select(n => 10 + (15 * Math.Pow(1 - (n / 10.0), 2))).Concat(Approx.Repeat(10, 5)).ToArray());
    }

    [Fact]
    public void Polynomial_KerasHalfwayAndEndTests_MatchFormula()
    {
        // keras learning_rate_schedule_test.py, LinearDecayTest and SqrtDecayTest (test_halfway, test_end,
        // test_halfway_with_end, test_beyond_end): PolynomialDecay(0.05, 10, end_lr, power).
        Approx.Equal(0.05 * 0.5, Schedule.Polynomial(0.05, 0.0, 10).Evaluate(5));
        Approx.Equal(0.001, Schedule.Polynomial(0.05, 0.001, 10).Evaluate(10));
        Approx.Equal((0.05 + 0.001) * 0.5, Schedule.Polynomial(0.05, 0.001, 10).Evaluate(5));
        Approx.Equal(0.001, Schedule.Polynomial(0.05, 0.001, 10).Evaluate(15));
        Approx.Equal(0.05 * Math.Pow(0.5, 0.5), Schedule.Polynomial(0.05, 0.0, 10, power: 0.5).Evaluate(5));
        Approx.Equal(((0.05 - 0.001) * Math.Pow(0.5, 0.5)) + 0.001, Schedule.Polynomial(0.05, 0.001, 10, power: 0.5).Evaluate(5));
        Approx.Equal(0.001, Schedule.Polynomial(0.05, 0.001, 10, power: 0.5).Evaluate(15));
    }

    [Theory]
    [InlineData(AnnealShape.Linear)]
    [InlineData(AnnealShape.Cosine)]
    [InlineData(AnnealShape.OneMinusSqrt)]
    [InlineData(AnnealShape.Exponential)]
    public void Anneal_EveryShape_MatchesDocumentedCurve(AnnealShape shape)
    {
        const double a = 2.0;
        const double b = 0.5;
        const double d = 8;
        var schedule = Schedule.Anneal(a, b, d, shape);

        for (double t = 0; t <= 12; t += 0.5)
        {
            double p = Math.Min(t / d, 1);
            double expected = shape switch
            {
                AnnealShape.Linear => b + ((a - b) * (1 - p)),
                AnnealShape.Cosine => b + ((a - b) * (1 + Math.Cos(Math.PI * p)) / 2),
                AnnealShape.OneMinusSqrt => b + ((a - b) * (1 - Math.Sqrt(p))),
                _ => a * Math.Pow(b / a, p),
            };
            Approx.Equal(expected, schedule.Evaluate(t), 1e-12);
        }
    }

    [Fact]
    public void CosineAnnealing_AnyParameters_IsFiniteBoundedAndNonIncreasing()
    {
        Gen.Select(Gen.Double[0, 10], Gen.Double[0, 10], Gen.Double[1e-3, 1e4], Gen.Double[0.1, 5])
            .Select(Gen.Double[0, 1e5], Gen.Double[0, 1e5])
            .Sample((p, t1, t2) =>
            {
                var (i, m, d, e) = p;
                double initial = Math.Max(i, m);
                double minimum = Math.Min(i, m);
                var schedule = Schedule.CosineAnnealing(initial, minimum, d, e);
                double v1 = schedule.Evaluate(Math.Min(t1, t2));
                double v2 = schedule.Evaluate(Math.Max(t1, t2));
                double.IsFinite(v1).Should().BeTrue();
                Approx.InRange(v1, minimum, initial);
                v2.Should().BeLessThanOrEqualTo(v1);
            });
    }

    [Fact]
    public void Polynomial_AnyParameters_IsFiniteBoundedAndNonIncreasingWhenDecaying()
    {
        Gen.Select(Gen.Double[-10, 10], Gen.Double[-10, 10], Gen.Double[1e-3, 1e4], Gen.Double[0.05, 5])
            .Select(Gen.Double[0, 1e5], Gen.Double[0, 1e5])
            .Sample((p, t1, t2) =>
            {
                var (i, e, d, power) = p;
                double initial = Math.Max(i, e);
                double end = Math.Min(i, e);
                var schedule = Schedule.Polynomial(initial, end, d, power);
                double v1 = schedule.Evaluate(Math.Min(t1, t2));
                double v2 = schedule.Evaluate(Math.Max(t1, t2));
                double.IsFinite(v1).Should().BeTrue();
                Approx.InRange(v1, end, initial);
                v2.Should().BeLessThanOrEqualTo(v1);
            });
    }

    [Fact]
    public void Linear_StartAtLeastEnd_IsNonIncreasingAndBounded()
    {
        Gen.Select(Gen.Double[-10, 10], Gen.Double[-10, 10], Gen.Double[1e-3, 1e4])
            .Select(Gen.Double[0, 1e5], Gen.Double[0, 1e5])
            .Sample((p, t1, t2) =>
            {
                var (a, b, d) = p;
                var schedule = Schedule.Linear(Math.Max(a, b), Math.Min(a, b), d);
                double v1 = schedule.Evaluate(Math.Min(t1, t2));
                double v2 = schedule.Evaluate(Math.Max(t1, t2));
                Approx.InRange(v1, Math.Min(a, b), Math.Max(a, b));
                v2.Should().BeLessThanOrEqualTo(v1);
            });
    }

    [Theory]
    [InlineData(3.0, 0.5)]
    [InlineData(0.5, 3.0)]
    public void Anneal_EitherDirection_DeclaresTheLargerEndAsItsMagnitude(double start, double end)
    {
        // The curve never leaves [min(start, end), max(start, end)], so its magnitude is max(|start|, |end|) = 3.
        Magnitude.IsStatedAs(Schedule.Linear(start, end, 10), "3");
    }

    [Fact]
    public void Polynomial_KerasAndHuggingFaceAssociation_MatchesBitForBit()
    {
        // Keras' PolynomialDecay: (initial - end) · (1 - t / T)^power + end; Hugging Face's polynomial decay:
        // lr_range · pct_remaining^power + lr_end. The same sum in the same order; at t = 4 and 7 of 10 it differs in the last
        // bit from end · (1 - d) + initial · d, so the association is the one of the references.
        var schedule = Schedule.Polynomial(1.0, 0.1, 10, power: 2);

        foreach (double t in (double[])[4, 7])
        {
            schedule.Evaluate(t).Should().Be(((1.0 - 0.1) * Math.Pow(1 - (t / 10), 2)) + 0.1, "t = {0}", t);
        }
    }

    [Fact]
    public void Anneal_ExponentialAtTheDuration_IsTheEndExactly()
    {
        // From the duration on the value is the end, exactly; start · (end / start)^1 would be 0.1 · (1.9 / 0.1) = 1.8999999999999997.
        Schedule.Anneal(0.1, 1.9, 10, AnnealShape.Exponential).Evaluate(10).Should().Be(1.9);
    }

    [Fact]
    public void Anneal_ExponentialInside_IsStartTimesTheRatioToThePBitForBit()
    {
        // Geometric interpolation start · (end / start)^p, at p = 1 / 4; the same in logarithms, exp(ln 0.1 + (ln 3 - ln 0.1) / 4),
        // differs from it in the last bits.
        Schedule.Anneal(0.1, 3, 4, AnnealShape.Exponential).Evaluate(1).Should().Be(0.1 * Math.Pow(3 / 0.1, 0.25));
    }
}
