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
}
