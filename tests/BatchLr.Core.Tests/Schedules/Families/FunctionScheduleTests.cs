using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules.Families;

/// <summary>Tests of <c>FunctionSchedule</c>, behind <see cref="Schedule.FromFunction"/> (PyTorch's LambdaLR).</summary>
public class FunctionScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0;

    protected override double UpperBound => 0.4;

    protected override Monotonicity Monotonicity => Monotonicity.NonIncreasing;

    protected override LearningRateSchedule Create() => Schedule.FromFunction(static t => 0.4 * Math.Pow(0.8, t));

    [Fact]
    public void FromFunction_PyTorchTestLambdaLr_MatchesTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_lambda_lr: groups at 0.05 and 0.4 with lambdas 0.9 ** x and 0.8 ** x;
        // targets base * lambda(x) for x < 10. A LambdaLR group is base · lambda, our FromFunction of that product.
        for (int x = 0; x < 10; x++)
        {
            Approx.Equal(0.05 * Math.Pow(0.9, x), Schedule.FromFunction(t => 0.05 * Math.Pow(0.9, t)).Evaluate(x));
            Approx.Equal(0.4 * Math.Pow(0.8, x), Schedule.FromFunction(t => 0.4 * Math.Pow(0.8, t)).Evaluate(x));
        }
    }

    [Fact]
    public void FromFunction_PyTorchTestMultiplicativeLr_IsTheLambdaProduct()
    {
        // PyTorch test_lrscheduler.py, test_multiplicative_lr: MultiplicativeLR with constant factors 0.9 and 0.8 gives the
        // same targets as test_lambda_lr; the closed form of a constant multiplicative factor is base · factor ** x.
        var schedule = Schedule.Product(Schedule.Constant(0.4), Schedule.FromFunction(t => Math.Pow(0.8, t)));
        for (int x = 0; x < 10; x++)
        {
            Approx.Equal(0.4 * Math.Pow(0.8, x), schedule.Evaluate(x));
        }
    }

    [Fact]
    public void FromFunction_ReceivesThePosition()
    {
        var schedule = Schedule.FromFunction(t => t * 2);

        schedule.Evaluate(3.25).Should().Be(6.5);
    }
}
