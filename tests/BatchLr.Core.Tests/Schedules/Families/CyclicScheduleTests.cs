using System;
using System.Linq;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>CyclicSchedule</c>, behind <see cref="Schedule.Cyclic"/> and <see cref="Schedule.CyclicMomentum"/>.</summary>
public class CyclicScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.001;

    protected override double UpperBound => 0.01;

    protected override LearningRateSchedule Create() =>
        Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0.001, MaxLearningRate = 0.01, StepSizeUp = 7, StepSizeDown = 12.5, Mode = CyclicMode.Triangular2 });

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Value, ScheduleGen.Value, ScheduleGen.Length, Gen.OneOf(Gen.Const((double?)null), ScheduleGen.Length.Select(d => (double?)d)), Gen.OneOf(CyclicMode.Triangular, CyclicMode.Triangular2, CyclicMode.ExpRange))
            .Select(ScheduleGen.Decay, Gen.Bool)
            .Select((p, gamma, momentum) =>
            {
                var (low, extra, up, down, mode) = p;
                double high = low + extra;
                if (!double.IsFinite(high))
                {
                    high = low;
                }

                var options = new CyclicOptions { BaseLearningRate = low, MaxLearningRate = high, StepSizeUp = up, StepSizeDown = down, Mode = mode, Gamma = gamma, BaseMomentum = low, MaxMomentum = high };
                return new GeneratedSchedule(
                    momentum ? Schedule.CyclicMomentum(options) : Schedule.Cyclic(options),
                    low,
                    high,
                    up + (down ?? up),
                    (momentum ? "CyclicMomentum " : "Cyclic ") + mode + " " + ScheduleGen.Show(low, high, up, down ?? double.NaN, gamma));
            });

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        // A top below the base is allowed (PyTorch's CyclicLR then cycles downward); a negative one is not.
        ScheduleGen.Negative.Select(m => InvalidCall.Of(() => Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 1, MaxLearningRate = m }), "options", "options.MaxLearningRate", m)),
        ScheduleGen.NotPositive.Select(u => InvalidCall.Of(() => Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0.1, MaxLearningRate = 1, StepSizeUp = u }), "options", "options.StepSizeUp", u)),
        ScheduleGen.Growth.Select(g => InvalidCall.Of(() => Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0.1, MaxLearningRate = 1, Mode = CyclicMode.ExpRange, Gamma = g }), "options", "options.Gamma", g)),
        ScheduleGen.Negative.Select(m => InvalidCall.Of(() => Schedule.CyclicMomentum(new CyclicOptions { BaseLearningRate = 0.1, MaxLearningRate = 1, BaseMomentum = m }), "options", "options.BaseMomentum", m)));

    private static CyclicOptions PyTorchOptions(double baseLr, double maxLr, double up, double? down, CyclicMode mode, double gamma = 1.0) =>
        new() { BaseLearningRate = baseLr, MaxLearningRate = maxLr, StepSizeUp = up, StepSizeDown = down, Mode = mode, Gamma = gamma, BaseMomentum = baseLr, MaxMomentum = maxLr };

    [Fact]
    public void Cyclic_PyTorchTestCycleLrTriangularModeOneLr_MatchesTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_cycle_lr_triangular_mode_one_lr: base_lr 1, max_lr 5, step_size_up 4,
        // base_momentum 1, max_momentum 5; lr [1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3], momentum [5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3].
        var options = PyTorchOptions(1, 5, 4, null, CyclicMode.Triangular);
        Approx.Sequence(Schedule.Cyclic(options), [1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3]);
        Approx.Sequence(Schedule.CyclicMomentum(options), [5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3]);
    }

    [Fact]
    public void Cyclic_PyTorchTestCycleLrTriangularMode_MatchesPerGroupTargets()
    {
        // PyTorch test_lrscheduler.py, test_cycle_lr_triangular_mode: groups base [1, 2], max [5, 6], momentum likewise;
        // the second group's targets are the first's plus 1.
        double[] lr = [1, 2, 3, 4, 5, 4, 3, 2, 1, 2, 3];
        double[] momentum = [5, 4, 3, 2, 1, 2, 3, 4, 5, 4, 3];
        var second = PyTorchOptions(2, 6, 4, null, CyclicMode.Triangular);
        Approx.Sequence(Schedule.Cyclic(second), lr.Select(x => x + 1).ToArray());
        Approx.Sequence(Schedule.CyclicMomentum(second), momentum.Select(x => x + 1).ToArray());
    }

    [Fact]
    public void Cyclic_PyTorchTestCycleLrTriangular2ModeOneLr_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_cycle_lr_triangular2_mode_one_lr (and test_cycle_lr_triangular2_mode, +2 for group 2).
        double[] lr = [1, 2, 3, 4, 5, 4, 3, 2, 1, 1.5, 2.0, 2.5, 3.0, 2.5, 2.0, 1.5, 1, 1.25, 1.50, 1.75, 2.00, 1.75];
        double[] momentum = [5.0, 4.0, 3.0, 2.0, 1.0, 2.0, 3.0, 4.0, 5.0, 4.5, 4.0, 3.5, 3.0, 3.5, 4.0, 4.5, 5.0, 4.75, 4.5, 4.25, 4.0, 4.25];
        Approx.Sequence(Schedule.Cyclic(PyTorchOptions(1, 5, 4, null, CyclicMode.Triangular2)), lr);
        Approx.Sequence(Schedule.CyclicMomentum(PyTorchOptions(1, 5, 4, null, CyclicMode.Triangular2)), momentum);
        Approx.Sequence(Schedule.Cyclic(PyTorchOptions(3, 7, 4, null, CyclicMode.Triangular2)), lr.Select(x => x + 2).ToArray());
        Approx.Sequence(Schedule.CyclicMomentum(PyTorchOptions(3, 7, 4, null, CyclicMode.Triangular2)), momentum.Select(x => x + 2).ToArray());
    }

    [Fact]
    public void Cyclic_PyTorchTestCycleLrExpRangeMode_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_cycle_lr_exp_range_mode_one_lr and test_cycle_lr_exp_range_mode: gamma 0.9,
        // xs = [0, .25, .5, .75, 1, .75, .5, .25, 0, .25, .5, .75, 1], lr base + x diff gamma ** i, momentum max - x diff gamma ** i.
        double[] xs = [0, 0.25, 0.5, 0.75, 1, 0.75, 0.50, 0.25, 0, 0.25, 0.5, 0.75, 1];
        foreach (var (b, m) in new[] { (1.0, 5.0), (5.0, 12.0) })
        {
            var options = PyTorchOptions(b, m, 4, null, CyclicMode.ExpRange, gamma: 0.9);
            Approx.Sequence(Schedule.Cyclic(options), xs.Select((x, i) => b + (x * (m - b) * Math.Pow(0.9, i))).ToArray());
            Approx.Sequence(Schedule.CyclicMomentum(options), xs.Select((x, i) => m - (x * (m - b) * Math.Pow(0.9, i))).ToArray());
        }
    }

    [Fact]
    public void Cyclic_PyTorchTestCycleLrTriangularModeStepSizeUpDown_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_cycle_lr_triangular_mode_step_size_up_down: step_size_up 4, step_size_down 6.
        var options = PyTorchOptions(1, 5, 4, 6, CyclicMode.Triangular);
        Approx.Sequence(Schedule.Cyclic(options), [1.0, 2.0, 3.0, 4.0, 5.0, 13.0 / 3, 11.0 / 3, 9.0 / 3, 7.0 / 3, 5.0 / 3, 1.0]);
        Approx.Sequence(Schedule.CyclicMomentum(options), [5.0, 4.0, 3.0, 2.0, 1.0, 5.0 / 3, 7.0 / 3, 3.0, 11.0 / 3, 13.0 / 3, 5.0]);
    }

    [Fact]
    public void Cyclic_PyTorchTestCycleLrTriangular2ModeStepSizeUpDown_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_cycle_lr_triangular2_mode_step_size_up_down: step_size_up 2, step_size_down 6,
        // groups offset by deltas [0, 2].
        double[] lr = [1.0, 3.0, 5.0, 13.0 / 3, 11.0 / 3, 9.0 / 3, 7.0 / 3, 5.0 / 3, 1.0, 2.0, 3.0, 8.0 / 3, 7.0 / 3, 6.0 / 3, 5.0 / 3, 4.0 / 3, 1.0, 3.0 / 2, 2.0, 11.0 / 6, 10.0 / 6, 9.0 / 6, 8.0 / 6, 7.0 / 6];
        double[] momentum = [5.0, 3.0, 1.0, 5.0 / 3, 7.0 / 3, 3.0, 11.0 / 3, 13.0 / 3, 5.0, 4.0, 3.0, 10.0 / 3, 11.0 / 3, 4.0, 13.0 / 3, 14.0 / 3, 5.0, 4.5, 4.0, 25.0 / 6, 13.0 / 3, 4.5, 14.0 / 3, 29.0 / 6];
        foreach (double delta in new[] { 0.0, 2.0 })
        {
            var options = PyTorchOptions(1 + delta, 5 + delta, 2, 6, CyclicMode.Triangular2);
            Approx.Sequence(Schedule.Cyclic(options), lr.Select(x => x + delta).ToArray());
            Approx.Sequence(Schedule.CyclicMomentum(options), momentum.Select(x => x + delta).ToArray());
        }
    }

    [Fact]
    public void Cyclic_PyTorchTestCycleLrExpRangeModeStepSizeUpDown_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_cycle_lr_exp_range_mode_step_size_up_down: up 2, down 6, gamma 0.9.
        double[] xs = [0.0, 0.5, 1.0, 5.0 / 6, 4.0 / 6, 3.0 / 6, 2.0 / 6, 1.0 / 6, 0.0, 0.5, 1.0, 5.0 / 6, 4.0 / 6];
        var options = PyTorchOptions(1, 5, 2, 6, CyclicMode.ExpRange, gamma: 0.9);
        Approx.Sequence(Schedule.Cyclic(options), xs.Select((x, i) => 1 + (x * 4 * Math.Pow(0.9, i))).ToArray());
        Approx.Sequence(Schedule.CyclicMomentum(options), xs.Select((x, i) => 5 - (x * 4 * Math.Pow(0.9, i))).ToArray());
    }

    [Fact]
    public void Cyclic_CustomScaleFunction_ReceivesCycleOrIteration()
    {
        var byCycle = Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0, MaxLearningRate = 1, StepSizeUp = 2, ScaleFunction = c => 1 / c });
        var byIteration = Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0, MaxLearningRate = 1, StepSizeUp = 2, ScaleFunction = t => 1 / (1 + t), ScaleMode = CyclicScaleMode.Iterations });

        // Peak of cycle 2 at t = 6: ramp 1, scale(c = 2) = 1/2; by iteration scale(6) = 1/7.
        Approx.Equal(0.5, byCycle.Evaluate(6));
        Approx.Equal(1.0 / 7, byIteration.Evaluate(6));
    }

    [Fact]
    public void Cyclic_TriangularAnyPosition_StaysBetweenBaseAndMax()
    {
        Gen.Select(Gen.Double[0, 1], Gen.Double[0, 1], Gen.Double[1e-2, 1e3], Gen.Double[1e-2, 1e3])
            .Select(Gen.Double[0, 1e7])
            .Sample((p, t) =>
            {
                var (a, b, up, down) = p;
                var options = new CyclicOptions { BaseLearningRate = Math.Min(a, b), MaxLearningRate = Math.Max(a, b), StepSizeUp = up, StepSizeDown = down, BaseMomentum = Math.Min(a, b), MaxMomentum = Math.Max(a, b) };
                Approx.InRange(Schedule.Cyclic(options).Evaluate(t), Math.Min(a, b), Math.Max(a, b));
                Approx.InRange(Schedule.CyclicMomentum(options).Evaluate(t), Math.Min(a, b), Math.Max(a, b));
            });
    }

    [Fact]
    public void Cyclic_ExpRangeGammaAboveOne_ThrowsNamingGamma()
    {
        // exp_range scales the amplitude by gamma^t: above 1 it passes every double once t > log(MaxValue) / log(gamma).
        var act = () => Schedule.Cyclic(PyTorchOptions(0.1, 1, 10, null, CyclicMode.ExpRange, gamma: 1.01));

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*Gamma' is 1.01; it must be at most 1 in ExpRange mode*");
        Schedule.Cyclic(PyTorchOptions(0.1, 1, 10, null, CyclicMode.Triangular, gamma: 1.01)).Evaluate(1e18).Should().BeInRange(0.1, 1, "triangular ignores gamma");
    }

    [Theory]
    [InlineData(5e-324, null)] // position / (up + down) overflows at any position past 1e-300
    [InlineData(1e-300, 1e300)] // up / (up + down) is 0: the rise has no length a double can hold
    [InlineData(1e300, 1e-300)] // up / (up + down) is 1
    public void Cyclic_ExtremeStepSizes_StayFiniteWithinBounds(double up, double? down)
    {
        var options = PyTorchOptions(0.1, 1, up, down, CyclicMode.Triangular2);
        var rate = Schedule.Cyclic(options);
        var momentum = Schedule.CyclicMomentum(options);

        foreach (double t in (double[])[0, 1e-9, 1, 1e9, 1e300])
        {
            rate.Evaluate(t).Should().BeInRange(0.1, 1, "position {0}", t);
            momentum.Evaluate(t).Should().BeInRange(0.1, 1, "position {0}", t);
        }

        rate.Evaluate(0).Should().Be(0.1, "every cycle starts at base_lr");
    }

    [Fact]
    public void Peak_BuiltInModes_IsTheLargerBoundAndUnknownForACustomScale()
    {
        // Triangular cycles stay between base and max, here 0.5 and 3 (momentum between its own two); a custom scale is
        // documented to stay within [0, 1] but cannot be checked, so the magnitude is not known and Scale checks nothing.
        var options = new CyclicOptions { BaseLearningRate = 0.5, MaxLearningRate = 3, StepSizeUp = 4, BaseMomentum = 2, MaxMomentum = 0.5 };

        Magnitude.IsStatedAs(Schedule.Cyclic(options), "3");
        Magnitude.IsStatedAs(Schedule.CyclicMomentum(options), "2");
        options.ScaleFunction = _ => 1.0;
        Magnitude.IsUnknown(Schedule.Cyclic(options));
    }

    [Fact]
    public void Cyclic_PyTorchAssociation_MatchesBitForBit()
    {
        // CyclicLR.get_lr: cycle = floor(1 + t / total), x = 1 + t / total - cycle, scale_factor = x / step_ratio rising,
        // base_height = (max - base) · scale_factor; lr = base_lr + base_height · scale_fn, momentum = max_m - base_height · scale_fn.
        // At these steps the other association, a · (1 - f) + b · f, differs in the last bit.
        static double Height(double low, double high, double t)
        {
            double cycle = Math.Floor(1 + (t / 10));
            double x = 1 + (t / 10) - cycle;
            double factor = x <= 0.5 ? x / 0.5 : (x - 1) / (0.5 - 1);
            return (high - low) * factor;
        }

        var options = new CyclicOptions { BaseLearningRate = 0.1, MaxLearningRate = 1.0, StepSizeUp = 5, BaseMomentum = 0.1, MaxMomentum = 1.0 };
        var rate = Schedule.Cyclic(options);
        var momentum = Schedule.CyclicMomentum(options);

        foreach (double t in (double[])[2, 8])
        {
            rate.Evaluate(t).Should().Be(0.1 + (Height(0.1, 1.0, t) * 1.0), "lr at {0}", t);
        }

        foreach (double t in (double[])[3, 7])
        {
            momentum.Evaluate(t).Should().Be(1.0 - (Height(0.1, 1.0, t) * 1.0), "momentum at {0}", t);
        }
    }

    [Fact]
    public void Cyclic_CustomScaleAboveOne_IsHeldAtTheBounds()
    {
        // A scale of 1.5 breaks the documented [0, 1]; at the top of the ramp it would give base + 1.5 (max - base), past max.
        // Every schedule keeps within its ends: the rate is held at max, the momentum at its base.
        var options = new CyclicOptions { BaseLearningRate = 0.1, MaxLearningRate = 0.5, StepSizeUp = 2, BaseMomentum = 0.8, MaxMomentum = 0.9, ScaleFunction = _ => 1.5 };

        Schedule.Cyclic(options).Evaluate(2).Should().Be(0.5);
        Schedule.CyclicMomentum(options).Evaluate(2).Should().Be(0.8);
    }
}
