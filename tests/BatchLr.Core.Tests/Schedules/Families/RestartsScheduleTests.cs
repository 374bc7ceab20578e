using System.Linq;
using System;
using System.Collections.Generic;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>RestartsSchedule</c>, behind <see cref="Schedule.CosineWithRestarts"/> and <see cref="Schedule.TanhDecay"/>.</summary>
public class RestartsScheduleTests : ScheduleConformanceTests
{
    private static readonly double[] Bases = [0.05, 0.5];

    // CycleDecay 0.9 scales the peak of cycle i by 0.9^i (timm's cycle_decay); the floor stays at MinValue.
    protected override double LowerBound => 0.0;

    protected override double UpperBound => 1.0;

    protected override LearningRateSchedule Create() =>
        Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.01, Period = 7, PeriodMultiplier = 1.5, CycleDecay = 0.9, KDecay = 1.5 });

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Value, Gen.Double[0, 1], ScheduleGen.Length, Gen.OneOf(Gen.Double[1, 10], Gen.OneOf(1.0, 1.0000000000000002, 2147483647.0, 1e308)))
            .Select(Gen.OneOf(ScheduleGen.Decay, Gen.Double[1, 1.5]), Gen.OneOf(Gen.Const((int?)null), Gen.Int[1, 40].Select(n => (int?)n)), Gen.Double[0.1, 5], Gen.Bool)
            .Where(t => t.Item2 <= 1 || (t.Item3 is { } cycles && double.IsFinite(t.Item1.Item1 * Math.Pow(t.Item2, cycles - 1))))
            .Select((p, decay, limit, k, tanh) =>
            {
                var (max, fraction, period, multiplier) = p;
                var options = new RestartsOptions { MaxValue = max, MinValue = max * fraction, Period = period, PeriodMultiplier = multiplier, CycleDecay = decay, CycleLimit = limit, KDecay = tanh ? 1 : k };
                double gain = decay <= 1 ? 1 : Math.Pow(decay, limit!.Value - 1);
                return new GeneratedSchedule(
                    tanh ? Schedule.TanhDecay(options) : Schedule.CosineWithRestarts(options),
                    0,
                    Math.Max(options.MinValue, max * gain),
                    period,
                    (tanh ? "TanhDecay " : "CosineWithRestarts ") + ScheduleGen.Show(max, options.MinValue, period, multiplier, decay, limit ?? double.NaN, k));
            });

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        // A floor above the peak is allowed (PyTorch's CosineAnnealingWarmRestarts rises from lr to eta_min); a negative one is not.
        ScheduleGen.Negative.Select(m => InvalidCall.Of(() => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1, MinValue = m, Period = 10 }), "options", "options.MinValue", m)),
        ScheduleGen.NotPositive.Select(t => InvalidCall.Of(() => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1, Period = t }), "options", "options.Period", t)),
        Gen.OneOf(Gen.Double[-10, 0.999999], ScheduleGen.NotFinite).Select(m => InvalidCall.Of(() => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1, Period = 10, PeriodMultiplier = m }), "options", "options.PeriodMultiplier", m)),
        ScheduleGen.Growth.Select(g => InvalidCall.Of(() => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1, Period = 10, CycleDecay = g }), "options", "options.CycleDecay", g)),
        Gen.Double[3, 10].Select(lower => InvalidCall.Of(() => Schedule.TanhDecay(new RestartsOptions { MaxValue = 1, Period = 10 }, lower, 3), nameof(lower), nameof(lower), lower)));

    [Fact]
    public void CosineWithRestarts_AnyPosition_MatchesDocumentedFormula()
    {
        var options = new RestartsOptions { MaxValue = 2.0, MinValue = 0.1, Period = 5, PeriodMultiplier = 2, CycleDecay = 0.8, CycleLimit = 4, KDecay = 2 };
        var schedule = Schedule.CosineWithRestarts(options);

        for (double t = 0; t < 100; t += 0.3)
        {
            // Walk the cycles: cycle i starts at 5 (2^i - 1) and lasts 5 · 2^i.
            int i = 0;
            double start = 0;
            while (start + (5 * Math.Pow(2, i)) <= t)
            {
                start += 5 * Math.Pow(2, i);
                i++;
            }

            double ti = 5 * Math.Pow(2, i);
            double g = Math.Pow(0.8, i);
            double expected = i >= 4 ? 0.1 : 0.1 + (((2.0 * g) - 0.1) * (1 + Math.Cos(Math.PI * Math.Pow(t - start, 2) / Math.Pow(ti, 2))) / 2);
            Approx.Equal(expected, schedule.Evaluate(t), 1e-12);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void CosineWithRestarts_PyTorchTestCosineAnnealingWarmRestartsLr1_MatchesTargets(int tMult)
    {
        // PyTorch test/optim/test_lrscheduler.py, test_CosineAnnealingWarmRestarts_lr1 (T_mult in [1, 2, 4]): T_0 = 10,
        // eta_min = 1e-10, 100 iterations; the test's own loop: T_cur += 1, and on T_cur >= T_i, T_cur -= T_i, T_i *= T_mult;
        // target eta_min + (base - eta_min) (1 + cos(pi T_cur / T_i)) / 2.
        const double etaMin = 1e-10;
        foreach (double b in Bases)
        {
            var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = b, MinValue = etaMin, Period = 10, PeriodMultiplier = tMult });
            var targets = new List<double> { b };
            int ti = 10;
            int tcur = 0;
            for (int k = 1; k < 100; k++)
            {
                tcur++;
                if (tcur >= ti)
                {
                    tcur -= ti;
                    ti *= tMult;
                }

                targets.Add(etaMin + ((b - etaMin) * (1 + Math.Cos(Math.PI * tcur / ti)) / 2));
            }

            Approx.Sequence(schedule, targets);
        }
    }

    [Fact]
    public void CosineWithRestarts_PyTorchTestCosineAnnealingWarmRestartsLr3_MatchesInterleavedTargets()
    {
        // PyTorch test_lrscheduler.py, test_CosineAnnealingWarmRestarts_lr3: scheduler.step(epoch) at the listed epochs
        // (fractional ones included) for T_mult 1, 2, 3 with the listed T_cur and T_i.
        double[][] epochs =
        [
            [0, 1, 2, 3, 4, 5, 12, 27, 3, 4, 5, 6, 13],
            [0, 1, 2, 3, 4, 5, 25, 32, 33, 34, 80, 81, 3],
            [0, 0.1, 0.2, 0.3, 1.3, 2.3, 17.5, 18.5, 19.5, 29.5, 30.5, 31.5, 50],
        ];
        double[][] tcurs =
        [
            [1, 2, 3, 4, 5, 2, 7, 3, 4, 5, 6, 3],
            [1, 2, 3, 4, 5, 15, 2, 3, 4, 10, 11, 3],
            [0.1, 0.2, 0.3, 1.3, 2.3, 7.5, 8.5, 9.5, 19.5, 20.5, 21.5, 10],
        ];
        double[][] tis =
        [
            [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
            [10, 10, 10, 10, 10, 20, 40, 40, 40, 80, 80, 10],
            [10, 10, 10, 10, 10, 30, 30, 30, 30, 30, 30, 90],
        ];
        double[] multipliers = [1, 2, 3];
        const double etaMin = 1e-10;
        for (int m = 0; m < 3; m++)
        {
            foreach (double b in Bases)
            {
                var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = b, MinValue = etaMin, Period = 10, PeriodMultiplier = multipliers[m] });
                Approx.Equal(b, schedule.Evaluate(epochs[m][0]));
                for (int i = 0; i < tcurs[m].Length; i++)
                {
                    double expected = etaMin + ((b - etaMin) * (1 + Math.Cos(Math.PI * tcurs[m][i] / tis[m][i])) / 2);
                    Approx.Equal(expected, schedule.Evaluate(epochs[m][i + 1]), because: "T_mult " + multipliers[m] + ", epoch " + epochs[m][i + 1]);
                }
            }
        }
    }

    [Fact]
    public void CosineWithRestarts_HuggingFaceHardRestartsWithWarmup_MatchesExpectedList()
    {
        // transformers tests/optimization/test_optimization.py, ScheduleInitTest.test_schedulers:
        // get_cosine_with_hard_restarts_schedule_with_warmup(num_warmup_steps=2, num_training_steps=10, num_cycles=2), lr 10,
        // gives [0.0, 5.0, 10.0, 8.53, 5.0, 1.46, 10.0, 8.53, 5.0, 1.46]; HF asserts within 1e-2. Two cycles over 8 steps: period 4.
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 10, Period = 4 }).WithWarmup(2);
        Approx.SequenceWithin(schedule, [0.0, 5.0, 10.0, 8.53, 5.0, 1.46, 10.0, 8.53, 5.0, 1.46], 1e-2);

        // HF's lambda after warmup: 0.5 (1 + cos(pi ((num_cycles · progress) % 1))), progress = (s - 2) / 8.
        for (int s = 2; s < 10; s++)
        {
            double progress = (s - 2) / 8.0;
            Approx.Equal(10 * 0.5 * (1 + Math.Cos(Math.PI * ((2 * progress) % 1.0))), schedule.Evaluate(s));
        }
    }

    [Fact]
    public void CosineWithRestarts_KerasCosineDecayRestartsTests_MatchFormula()
    {
        // keras learning_rate_schedule_test.py, CosineDecayRestartsTest.test_decay (t_mul 2), test_tmul (t_mul 1),
        // test_mmul (m_mul 0.9) and test_alpha (alpha 0.1): CosineDecayRestarts(1.0, 1000, ...) at steps 0, 250, ..., 1250,
        // expected by the test's np_cosine_decay_restarts.
        static double Expected(double step, double decaySteps, double tMul, double mMul, double alpha)
        {
            double fac = 1.0;
            while (step >= decaySteps)
            {
                step -= decaySteps;
                decaySteps *= tMul;
                fac *= mMul;
            }

            double decay = fac * 0.5 * (1.0 + Math.Cos(Math.PI * step / decaySteps));
            return ((1.0 - alpha) * decay) + alpha;
        }

        // m_mul scales the swing above the floor alpha (AmplitudeDecay), so the last two cases, with both, tell it from CycleDecay.
        (double TMul, double MMul, double Alpha)[] cases = [(2, 1, 0), (1, 1, 0), (2, 0.9, 0), (2, 1, 0.1), (2, 0.9, 0.1), (1.5, 0.5, 0.2)];
        foreach (var (tMul, mMul, alpha) in cases)
        {
            var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = alpha, Period = 1000, PeriodMultiplier = tMul, AmplitudeDecay = mMul });
            for (int step = 0; step < 1500; step += 250)
            {
                Approx.Equal(Expected(step, 1000, tMul, mMul, alpha), schedule.Evaluate(step));
            }
        }
    }

    [Fact]
    public void CosineWithRestarts_AmplitudeDecayAndFloor_MatchHandComputedKerasValues()
    {
        // keras/src/optimizers/schedules/learning_rate_schedule.py, CosineDecayRestarts.__call__ with initial 1, first_decay_steps 10,
        // t_mul 2, m_mul 0.5, alpha 0.1: f = step / 10; i = floor(log(1 - f (1 - t_mul)) / log(t_mul)); f' = (f - (1 - 2^i) / (1 - 2)) / 2^i;
        // lr = (1 - alpha) · 0.5 · m_mul^i · (1 + cos(π f')) + alpha.
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.1, Period = 10, PeriodMultiplier = 2, AmplitudeDecay = 0.5 });

        Approx.Equal(1.0, schedule.Evaluate(0));                                              // i = 0, f' = 0
        Approx.Equal((0.9 * 0.5) + 0.1, schedule.Evaluate(5));                                // i = 0, f' = 0.5: cos = 0
        Approx.Equal((0.9 * 0.5) + 0.1, schedule.Evaluate(10));                               // i = 1, f' = 0: 0.5 · 0.5 · 2
        Approx.Equal((0.9 * 0.25) + 0.1, schedule.Evaluate(20));                              // i = 1, f' = (2 - 1) / 2 = 0.5
        Approx.Equal((0.9 * 0.25 * (1 + Math.Cos(0.95 * Math.PI))) + 0.1, schedule.Evaluate(29)); // i = 1, f' = (2.9 - 1) / 2 = 0.95
        Approx.Equal((0.9 * 0.25) + 0.1, schedule.Evaluate(30));                              // i = 2, f' = (3 - 3) / 4 = 0: 0.5 · 0.25 · 2
    }

    [Fact]
    public void CosineWithRestarts_AmplitudeDecayVersusCycleDecay_DifferAboveAFloor()
    {
        // Second cycle's start, floor 0.1, factor 0.5: timm's cycle_decay lowers the peak to 0.5 · 1; Keras' m_mul halves the
        // swing above the floor, 0.1 + 0.5 · (1 - 0.1).
        var timm = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.1, Period = 10, CycleDecay = 0.5 });
        var keras = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.1, Period = 10, AmplitudeDecay = 0.5 });

        Approx.Equal(0.5, timm.Evaluate(10));
        Approx.Equal(0.55, keras.Evaluate(10));
        Approx.Equal(0.1 + ((0.5 - 0.1) * 0.5), timm.Evaluate(15));   // mid-cycle, the cosine factor is 0.5
        Approx.Equal(0.1 + (0.9 * 0.5 * 0.5), keras.Evaluate(15));
    }

    [Fact]
    public void CosineWithRestarts_ZeroAmplitudeDecay_HoldsTheFloorAfterTheFirstCycle()
    {
        // Keras with m_mul = 0: m_mul^0 = 1 in the first cycle, 0 after it, so the rate is alpha · initial from the first restart.
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.2, Period = 4, AmplitudeDecay = 0 });

        Approx.Equal(0.2 + (0.8 * 0.5 * (1 + Math.Cos(Math.PI / 4))), schedule.Evaluate(1));
        schedule.Evaluate(4).Should().Be(0.2);
        schedule.Evaluate(123.5).Should().Be(0.2);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void CosineWithRestarts_AmplitudeDecayOutOfRange_NamesItAndTheRule(double value)
    {
        var act = () => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, Period = 4, AmplitudeDecay = value });

        act.Should().Throw<ArgumentException>().WithMessage("*AmplitudeDecay*between 0 and 1 inclusive*");
    }

    [Fact]
    public void TanhDecay_AnyPosition_MatchesTimmFormula()
    {
        // timm's TanhLRScheduler: lr_min + 0.5 (lr_max - lr_min) (1 - tanh(lb (1 - t_i / t_total) + ub t_i / t_total)).
        var schedule = Schedule.TanhDecay(new RestartsOptions { MaxValue = 0.1, MinValue = 0.001, Period = 20 }, lower: -6, upper: 4);
        for (double t = 0; t < 60; t += 0.5)
        {
            double p = (t % 20) / 20;
            double expected = 0.001 + (0.5 * (0.1 - 0.001) * (1 - Math.Tanh((-6 * (1 - p)) + (4 * p))));
            Approx.Equal(expected, schedule.Evaluate(t), 1e-12);
        }
    }

    [Fact]
    public void CosineWithRestarts_CycleStarts_ReturnDecayedMaximum()
    {
        Gen.Select(Gen.Double[1e-2, 1e3], Gen.Double[1, 3], Gen.Int[0, 40])
            .Sample((period, multiplier, k) =>
            {
                var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.0, Period = period, PeriodMultiplier = multiplier, CycleDecay = 0.5 });
                double start = multiplier == 1.0 ? k * period : period * (Math.Pow(multiplier, k) - 1.0) / (multiplier - 1.0);
                if (double.IsFinite(start))
                {
                    Approx.Equal(Math.Pow(0.5, k), schedule.Evaluate(start), 1e-9);
                }
            });
    }

    [Fact]
    public void CosineWithRestarts_UnitMultiplierCycleStarts_ReturnMaximum()
    {
        Gen.Select(Gen.Double[1e-3, 1e3], Gen.Int[0, 100000])
            .Sample((period, k) =>
            {
                var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.0, Period = period });
                schedule.Evaluate(k * period).Should().Be(1.0, "cycle {0} of period {1} starts at {2}", k, period, k * period);
            });
    }

    [Fact]
    public void CosineWithRestarts_AnyParameters_IsFiniteAndBounded()
    {
        Gen.Select(Gen.Double[0, 1], Gen.Double[1e-2, 1e3], Gen.Double[1, 4], Gen.Double[0.1, 3])
            .Select(Gen.Double[0, 1e7])
            .Sample((p, t) =>
            {
                var (min, period, multiplier, k) = p;
                var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = min, Period = period, PeriodMultiplier = multiplier, KDecay = k });
                double v = schedule.Evaluate(t);
                double.IsFinite(v).Should().BeTrue();
                Approx.InRange(v, min, 1.0);
            });
    }

    [Fact]
    public void CosineWithRestarts_FarCycleStarts_RestartExactly()
    {
        // PyTorch's CosineAnnealingWarmRestarts with T_0 = 3, T_mult = 2: cycle k starts at 3 (2^k - 1) and lasts 3 · 2^k, so
        // the start gives the maximum and the middle (1 + cos(π/2)) / 2 of the way down, for cycles far past any loop's reach.
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.0, Period = 3, PeriodMultiplier = 2 });
        for (int k = 0; k <= 50; k++)
        {
            double start = 3 * (Math.Pow(2, k) - 1);
            schedule.Evaluate(start).Should().Be(1.0, "cycle {0} starts at {1}", k, start);
            Approx.Equal(0.5, schedule.Evaluate(start + (1.5 * Math.Pow(2, k))), 1e-12, "the middle of cycle " + k);
        }
    }

    [Theory]
    [InlineData(1e-300, 3.0, 1e9)] // 1 + t (m - 1) / T0 overflows: the cycle comes from the sum of logarithms
    [InlineData(1e-300, 2147483647.0, 1e18)]
    [InlineData(5e-324, 2.0, 1e300)]
    [InlineData(1.0, 1e308, 1e18)] // t (m - 1) overflows from t = 2 on
    [InlineData(1.0, 1.0000000000000002, 1e15)] // the smallest multiplier above 1: cycles differ in the last bit
    [InlineData(1e-300, 1.0, 1e300)] // equal cycles, a count no double holds exactly
    public void CosineWithRestarts_ExtremePeriods_ReturnAValueWithinTheBounds(double period, double multiplier, double far)
    {
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 0.1, MinValue = 0.001, Period = period, PeriodMultiplier = multiplier });

        foreach (double t in (double[])[0, period, 2, 1e6, far])
        {
            double value = Watchdog.Returns(() => schedule.Evaluate(t), "position " + t.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            value.Should().BeInRange(0.001, 0.1, "position {0}", t);
        }
    }

    [Fact]
    public void CosineWithRestarts_HugeMultiplier_FollowsTheSecondCycle()
    {
        // m = 1e308, T0 = 1: cycle 0 is [0, 1), cycle 1 starts at 1 and lasts 1e308, so v(t) = (1 + cos(π (t - 1) / 1e308)) / 2.
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, Period = 1, PeriodMultiplier = 1e308 });

        foreach (double t in (double[])[1, 2, 1e300, 5e307])
        {
            Approx.Equal(0.5 * (1 + Math.Cos(Math.PI * (t - 1) / 1e308)), schedule.Evaluate(t), 1e-12, "t = " + t);
        }
    }

    [Fact]
    public void CosineWithRestarts_GrowingPeakWithLimit_PeaksAtTheLastCycle()
    {
        // timm's cycle_decay 1.5 with cycle_limit 10: cycle i peaks at 1.5^i, the last at 1.5^9; from cycle 10 on, the floor.
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.0, Period = 4, CycleDecay = 1.5, CycleLimit = 10 });

        Approx.Equal(Math.Pow(1.5, 9), schedule.Evaluate(36));
        schedule.Evaluate(40).Should().Be(0.0);
        schedule.Evaluate(1e18).Should().Be(0.0);
    }

    [Theory]
    [InlineData(1.5, null, "*CycleDecay' is 1.5; it must be at most 1 when CycleLimit is null*")]
    [InlineData(1.5, 2000, "*CycleDecay' is 1.5; it must be small enough that the last peak*is finite*")]
    public void CosineWithRestarts_PeakGrowingWithoutEnd_ThrowsNamingCycleDecay(double decay, int? limit, string message)
    {
        // 1.5^1999 = e^(1999 · 0.405) ≈ e^810, past the largest double, e^709.8.
        var act = () => Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, Period = 4, CycleDecay = decay, CycleLimit = limit });

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage(message);
    }

    [Theory]
    [InlineData(2.0, 0.5, 1.5, 3, "4.5")]  // a growing peak: the last cycle's, 2 · 1.5^(3 - 1) = 4.5
    [InlineData(2.0, 0.5, 0.5, null, "2")] // a decaying peak: the first cycle's, 2
    [InlineData(1.0, 3.0, 1.0, null, "3")] // a floor above the peak bounds the values
    public void CosineWithRestarts_AnyDecay_DeclaresTheLargestPeakOrTheFloor(double max, double min, double decay, int? limit, string magnitude)
    {
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = max, MinValue = min, Period = 10, CycleDecay = decay, CycleLimit = limit });

        Magnitude.IsStatedAs(schedule, magnitude);
    }

    [Fact]
    public void PolynomialWithRestarts_TimmAssociation_MatchesBitForBit()
    {
        // timm's PolyLRScheduler: lr_min + (lr_max - lr_min) · (1 - t_curr^k / t_i^k)^power; with k = 1 and power 1, at 6 and 7 of
        // a period of 10. The other association, lr_min · (1 - f) + lr_max · f, differs there in the last bit.
        var schedule = Schedule.PolynomialWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.1, Period = 10 }, power: 1);

        foreach (double t in (double[])[6, 7])
        {
            schedule.Evaluate(t).Should().Be(0.1 + ((1.0 - 0.1) * (1 - (t / 10))), "t = {0}", t);
        }
    }

    [Fact]
    public void CosineWithRestarts_EqualCyclesWhereTheDivisionRoundsUp_FindTheRightCycle()
    {
        // Period 0.1: 1.7 / 0.1 rounds to 17, yet the double 1.7 is below 17 times the double 0.1 (17 · 0.1 = 1.7000000000000002),
        // so 1.7 is at the very end of cycle 16, where the cosine is at its floor. Cycle k starts at k · 0.1 as doubles compute it
        // (as in CosineWithRestarts_UnitMultiplierCycleStarts_ReturnMaximum): 0.5 starts cycle 5 and 4.3 cycle 43.
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.0, Period = 0.1 });

        Approx.Within(0.0, schedule.Evaluate(1.7), 1e-12, "the end of cycle 16");
        schedule.Evaluate(0.5).Should().Be(1.0, "cycle 5 starts at 5 · 0.1 = 0.5");
        schedule.Evaluate(4.3).Should().Be(1.0, "cycle 43 starts at 43 · 0.1, which rounds to 4.3, though 4.3 / 0.1 rounds down to 42.99999999999999");
    }

    [Fact]
    public void CosineWithRestarts_LastPositionBeforeARestart_IsAtTheFloor()
    {
        // T0 = 3, m = 2: cycle k starts at 3 (2^k - 1). The double just below that start ends cycle k - 1, where the cosine is at
        // its floor, though log2(1 + t / 3) rounds up to k there.
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.0, Period = 3, PeriodMultiplier = 2 });
        for (int k = 1; k <= 50; k++)
        {
            double before = Math.BitDecrement(3 * (Math.Pow(2, k) - 1));
            Approx.Within(0.0, schedule.Evaluate(before), 1e-12, "the end of cycle " + (k - 1));
        }
    }

    [Fact]
    public void CosineWithRestarts_PositionOverPeriodOverflows_FindsTheCycleFromLogarithms()
    {
        // T0 = 1e-300, m = 1 + 2^-20: cycle k starts at T0 (m^k - 1) / (m - 1) and lasts T0 · m^k. For k = 734,000,000 it starts
        // near 1.06e10, where t / T0 overflows while t (m - 1) / T0 ≈ 1e304 does not: the middle of that cycle is half way down.
        const double period = 1e-300;
        double m = 1 + Math.ScaleB(1, -20);
        var schedule = Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 1.0, MinValue = 0.0, Period = period, PeriodMultiplier = m });
        double scale = Math.Pow(m, 734_000_000);
        double middle = (period * (scale - 1) / (m - 1)) + (period * scale / 2);

        double.IsInfinity(middle / period).Should().BeTrue("the test is about the path where t / T0 overflows");
        Approx.Equal(0.5, schedule.Evaluate(middle), 1e-6);
    }
}
