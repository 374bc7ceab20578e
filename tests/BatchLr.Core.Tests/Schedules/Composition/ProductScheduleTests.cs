using System;
using System.Linq;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Composition;

/// <summary>Tests of <c>ProductSchedule</c>, behind <see cref="Schedule.Product"/> (PyTorch's ChainedScheduler).</summary>
public class ProductScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.0;

    protected override double UpperBound => 0.05;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() =>
        Schedule.Product(Schedule.Constant(0.05), Schedule.CosineAnnealing(1, 0, 60), Schedule.Step(1, 7, 0.5));

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(Gen.Double[0, 10], ScheduleGen.Length).Array[1, 4].Select(parts =>
        {
            LearningRateSchedule[] factors = parts.Select(p => Schedule.CosineAnnealing(p.Item1, 0, p.Item2)).ToArray();
            double high = parts.Aggregate(1.0, (product, p) => product * p.Item1);
            return new GeneratedSchedule(Schedule.Product(factors), 0, high, parts.Max(p => p.Item2), "Product " + ScheduleGen.Show(parts.Select(p => p.Item1).ToArray()));
        });

    protected override Gen<InvalidCall> Invalid =>
        Gen.Double[1e160, 1e300].Select(a => new InvalidCall(() => Schedule.Product(Schedule.Constant(a), Schedule.Constant(a)), "factors", "factors", "2 schedules"));

    [Fact]
    public void Product_PyTorchTestChainedLr3_MatchesTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_chained_lr3: LinearLR(start_factor=0.4, total_iters=3) and
        // MultiStepLR(milestones=[4, 8, 10], gamma=0.1); targets [0.02, 0.03, 0.04, 0.05] + [0.005] * 4 + [0.0005] * 3 + [0.00005] * 3.
        var schedule = Schedule.Product(Schedule.Linear(0.4, 1, 3), Schedule.MultiStep(1, [4, 8, 10], 0.1)).Scale(0.05);
        Approx.Sequence(schedule, [0.02, 0.03, 0.04, 0.05, .. Approx.Repeat(0.005, 4), .. Approx.Repeat(0.0005, 2)]);
    }

    [Fact]
    public void Product_PyTorchTestChainedLr4_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_chained_lr4: ExponentialLR(0.9), ConstantLR(factor=0.2, total_iters=4), StepLR(0.1, 3);
        // targets [0.05 * 0.2 * 0.9 ** x for x < 3] + [0.05 * 0.2 * 0.9 ** 3 * 0.1] + [0.05 * 0.9 ** x * 0.1 for x in 4, 5]
        // + [0.05 * 0.9 ** x * 0.01 for x in 6..8].
        var schedule = Schedule.Product(Schedule.Constant(0.05), Schedule.Exponential(1, 0.9), Schedule.PiecewiseConstant([4], [0.2, 1]), Schedule.Step(1, 3, 0.1));
        double[] targets =
        [
            .. Enumerable.Range(0, 3).Select(x => 0.05 * 0.2 * Math.Pow(0.9, x)),
            0.05 * 0.2 * Math.Pow(0.9, 3) * 0.1,
            .. Enumerable.Range(4, 2).Select(x => 0.05 * Math.Pow(0.9, x) * 0.1),
            .. Enumerable.Range(6, 3).Select(x => 0.05 * Math.Pow(0.9, x) * 0.01),
        ];
        Approx.Sequence(schedule, targets);
    }

    [Fact]
    public void Product_PyTorchTestChainedLr5_MatchesTargetsForBothGroups()
    {
        // PyTorch test_lrscheduler.py, test_chained_lr5: PolynomialLR(power=0.9, total_iters=5) and ConstantLR(factor=0.1)
        // (default total_iters 5); targets base (1 - x / 5) ** 0.9 · 0.1 for x < 5, then 0, for bases 0.05 and 0.5.
        foreach (double b in new[] { 0.05, 0.5 })
        {
            var schedule = Schedule.Product(Schedule.Polynomial(1, 0, 5, power: 0.9), Schedule.PiecewiseConstant([5], [0.1, 1])).Scale(b);
            Approx.Sequence(schedule, [.. Enumerable.Range(0, 5).Select(x => b * Math.Pow(1.0 - (x / 5.0), 0.9) * 0.1), .. Approx.Repeat(0, 5)]);
        }
    }

    [Fact]
    public void Product_PyTorchTestCompoundCosannealAndMultistepLr_MatchesTargets()
    {
        // PyTorch test_lrscheduler.py, test_compound_cosanneal_and_multistep_lr: CosineAnnealingLR(T_max=10, eta_min=1e-10) with
        // MultiStepLR([2, 5, 9], 0.1), stepped together: cosine targets times [1] * 2 + [0.1] * 3 + [0.01] * 4 + [0.001].
        // Deliberate difference: PyTorch's chainable form applies the cosine's recursion to the already-decayed rate; a product
        // of closed forms is this test's own target formula, which is what we assert.
        const double etaMin = 1e-10;
        double[] multipliers = [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.001];
        var schedule = Schedule.Product(Schedule.CosineAnnealing(0.05, etaMin, 10), Schedule.MultiStep(1, [2, 5, 9], 0.1));
        Approx.Sequence(schedule, Enumerable.Range(0, 10).Select(x => (etaMin + ((0.05 - etaMin) * (1 + Math.Cos(Math.PI * x / 10)) / 2)) * multipliers[x]).ToArray());
    }

    [Fact]
    public void Product_AnyPosition_IsTheProductOfFactors()
    {
        Gen.Double[0, 1000].Sample(t =>
        {
            var a = Schedule.CosineAnnealing(2, 0.5, 300);
            var b = Schedule.Exponential(1, 0.99);
            Schedule.Product(a, b).Evaluate(t).Should().Be(a.Evaluate(t) * b.Evaluate(t));
        });
    }

    [Fact]
    public void Product_ZeroTimesAFactorOfUnknownMagnitude_HasAnUnknownBoundThatAClampStillCaps()
    {
        // 0 · ∞ is NaN, which bounds nothing: the product's bound is unknown (+∞), so a clamp to 1e300 bounds it by 1e300 and
        // scaling that by 1e10 is refused as an overflow.
        LearningRateSchedule product = Schedule.Product(Schedule.Constant(0), Schedule.FromFunction(t => t));

        product.Peak.Should().Be(double.PositiveInfinity);
        Action act = () => product.Clamp(0, 1e300).Scale(1e10);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("factor")
            .WithMessage("*'factor' is 10000000000; it must be small enough that factor times the schedule's largest magnitude, 1E+300, is finite*");
    }
}
