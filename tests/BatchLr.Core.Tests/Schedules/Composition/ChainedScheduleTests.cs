using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using BatchLr.Schedules.Composition;
using static BatchLr.Core.Tests.TestSupport.TorchReference;

namespace BatchLr.Core.Tests.Schedules.Composition;

/// <summary>Tests of <c>ChainedSchedule</c>, PyTorch's ChainedScheduler in closed form; expected values from <see cref="TorchReference"/>.</summary>
public class ChainedScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0;

    protected override double UpperBound => 0.1;

    // ExponentialLR(0.95) then CosineAnnealingLR(T_max 7, eta_min 0), from 0.1: troughs at 7, 21, 35, ...
    protected override LearningRateSchedule Create() =>
        new ChainedSchedule(0.1, [new ChainLink(ChainLinkKind.Factor, Schedule.Exponential(1.0, 0.95)), new ChainLink(ChainLinkKind.Cosine, null, 0.1, 0, 7)]);

    [Fact]
    public void Evaluate_FactorThenCosine_IsPyTorchsStepping()
    {
        var group = new Group(0.1);
        double[] torch = Rates(group, new Chained(new ExponentialLR(group, 0.95), new CosineAnnealingLR(group, 7, 0.0)), 60);

        LearningRateSchedule chain = Create();
        for (int s = 0; s < torch.Length; s++)
        {
            Approx.Within(torch[s], chain.Evaluate(s), 1e-15, because: "step " + s);
        }
    }

    [Fact]
    public void Evaluate_CosineThenFactor_CountsTheFactorFromTheStepBeforeTheRestart()
    {
        // With the factor after the cosine, its ratio at the step after a trough still applies: c(t) / c(t0 - 1).
        var group = new Group(0.1);
        double[] torch = Rates(group, new Chained(new CosineAnnealingLR(group, 5, 0.0), new StepLR(group, 3, 0.5)), 40);

        var chain = new ChainedSchedule(0.1, [new ChainLink(ChainLinkKind.Cosine, null, 0.1, 0, 5), new ChainLink(ChainLinkKind.Factor, Schedule.Step(1.0, 3, 0.5))]);

        for (int s = 0; s < torch.Length; s++)
        {
            Approx.Within(torch[s], chain.Evaluate(s), 1e-15, because: "step " + s);
        }
    }

    [Fact]
    public void Evaluate_CosineAloneWithEtaMin_IsPyTorchsSteppingAcrossTroughs()
    {
        // eta_min 0.01 > 0 puts η into both closed forms: η + (s - η) · w(t) before the first trough, η + (b - η) · w(t) after it.
        var group = new Group(0.1);
        double[] torch = Rates(group, new Chained(new CosineAnnealingLR(group, 5, 0.01)), 40);

        var chain = new ChainedSchedule(0.1, [new ChainLink(ChainLinkKind.Cosine, null, 0.1, 0.01, 5)]);

        for (int s = 0; s < torch.Length; s++)
        {
            Approx.Within(torch[s], chain.Evaluate(s), 1e-15, because: "step " + s);
        }
    }

    [Fact]
    public void Evaluate_CosineAndFactorAfterASchedulerThatSetsTheRate_IsPyTorchsStepping()
    {
        // CosineAnnealingWarmRestarts(T_0 5) sets the rate; then CosineAnnealingLR(T_max 3, eta_min 0.001) takes one recursive step
        // from it (adding (b - η)(1 - cos(π / 3)) / 2 at the steps 4, 10, 16, ... after its troughs), and ConstantLR(0.5, 4)
        // multiplies by 0.5 at construction and by 1 / 0.5 at step 4.
        var group = new Group(0.1);
        double[] torch = Rates(group, new Chained(new CosineAnnealingWarmRestarts(group, 5, 1, 0.0), new CosineAnnealingLR(group, 3, 0.001), new ConstantLR(group, 0.5, 4)), 30);

        var chain = new ChainedSchedule(0.1, [
            new ChainLink(ChainLinkKind.Overwrite, Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 0.1, Period = 5 })),
            new ChainLink(ChainLinkKind.Cosine, null, 0.1, 0.001, 3),
            new ChainLink(ChainLinkKind.Factor, Schedule.PiecewiseConstant([4], [0.5, 1.0])),
        ]);

        chain.LastOverwrite.Should().Be(0);
        for (int s = 0; s < torch.Length; s++)
        {
            Approx.Within(torch[s], chain.Evaluate(s), 1e-15, because: "step " + s);
        }
    }

    [Fact]
    public void Evaluate_FarStepAfterATroughBehindASchedulerThatSetsTheRate_Adds()
    {
        // With T_max 3 the steps after a trough are t = 4 + 6j. Far out, π (t - 1) / 3 has lost so much precision that
        // 1 + cos(π (t - 1) / 3) is not exactly 0, so only the trough rule (t - 1 - T) mod 2T = 0 tells the step apart; PyTorch
        // adds there: v + (b - η)(1 - cos(π / T)) / 2, with v = 0.02 the rate the first scheduler sets.
        const double t = 4 + (6 * 100_000_000_000.0);
        var chain = new ChainedSchedule(0.1, [new ChainLink(ChainLinkKind.Overwrite, Schedule.Constant(0.02)), new ChainLink(ChainLinkKind.Cosine, null, 0.1, 0.001, 3)]);

        (1.0 + Math.Cos(Math.PI * (t - 1) / 3)).Should().NotBe(0, "the test needs a step where the angle's rounding leaves the denominator nonzero");
        Approx.Equal(0.02 + ((0.1 - 0.001) * (1 - Math.Cos(Math.PI / 3)) / 2), chain.Evaluate(t));
    }
}
