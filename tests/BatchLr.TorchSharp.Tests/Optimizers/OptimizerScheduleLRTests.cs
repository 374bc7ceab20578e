using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp.Tests.Optimizers;

public class OptimizerScheduleLRTests
{
    private const int Steps = 30;
    private static readonly OneCycleOptions Cycle = new() { MaxLearningRate = 0.1, TotalSteps = Steps };

    // Two groups on different schedules: a warmup into a cosine, and a step decay.
    private static readonly OptimizerSchedule TwoGroups = new(
    [
        Schedule.CosineAnnealing(0.1, 0.001, Steps).WithWarmup(5),
        Schedule.Step(0.02, 7, 0.5),
    ]);

    public static TheoryData<string> Optimizers => new() { "SGD", "Adam", "AdamW" };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Step_EachOfNSteps_SetsEveryGroupsRateToTheScheduleBitForBit(string kind)
    {
        using var model = TwoLayers();
        using var optimizer = TwoGroupOptimizer(kind, model);

        var scheduler = new OptimizerScheduleLR(optimizer, TwoGroups);

        for (int position = 0; position <= Steps + 5; position++)
        {
            if (position > 0)
            {
                scheduler.step();
            }

            scheduler.LastEpoch.Should().Be(position);
            var expected = Enumerable.Range(0, 2).Select(g => TwoGroups.GetLearningRate(g, TrainingProgress.AtStep(position)));
            Bits(Rates(optimizer)).Should().Equal(Bits(expected), "position {0} of {1}", position, kind);
        }
    }

    [Fact]
    public void Constructor_AppliesPositionZero_AsPyTorchSchedulersDo()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupOptimizer("SGD", model);

        var scheduler = new OptimizerScheduleLR(sgd, new OptimizerSchedule([Schedule.Linear(0.5, 0.1, 4), Schedule.Constant(0.3)]));

        scheduler.LastEpoch.Should().Be(0);
        Rates(sgd).Should().Equal(0.5, 0.3);
        scheduler.get_last_lr().Should().Equal(0.5, 0.3);
    }

    [Fact]
    public void Step_SameConventionAsTorchSharpsStepLR_GivesTheSameRatesAtEveryPosition()
    {
        using var model = nn.Linear(3, 1);
        using var ours = SGD(model.parameters(), learningRate: 0.1);
        using var theirs = SGD(model.parameters(), learningRate: 0.1);
        var scheduler = new OptimizerScheduleLR(ours, Schedule.Step(0.1, 3, 0.5));
        var reference = lr_scheduler.StepLR(theirs, step_size: 3, gamma: 0.5);

        for (int position = 0; position < 12; position++)
        {
            ours.ParamGroups.Single().LearningRate.Should().BeApproximately(theirs.ParamGroups.Single().LearningRate, 1e-15, "position {0}", position);
            scheduler.step();
            reference.step();
        }

        ours.ParamGroups.Single().LearningRate.Should().Be(0.1 * 0.5 * 0.5 * 0.5 * 0.5, "position 12 is four decays in");
    }

    [Fact]
    public void Step_OneCycleOnSgd_SetsMomentumEachStep()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupOptimizer("SGD", model);
        var schedule = new OptimizerSchedule(
            [Schedule.OneCycle(Cycle), Schedule.OneCycle(Cycle)],
            [Schedule.OneCycleMomentum(Cycle), Schedule.OneCycleMomentum(Cycle)]);

        var scheduler = new OptimizerScheduleLR(sgd, schedule);

        for (int position = 0; position < Steps; position++)
        {
            double momentum = Schedule.OneCycleMomentum(Cycle).Evaluate(position);
            double rate = Schedule.OneCycle(Cycle).Evaluate(position);
            sgd.ParamGroups.Cast<IMomentum>().Select(g => g.Momentum).Should().Equal([momentum, momentum], "position {0}", position);
            Rates(sgd).Should().Equal([rate, rate], "position {0}", position);
            scheduler.step();
        }
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    public void Step_OneCycleOnAdamFamily_SetsBeta1AndKeepsBeta2(string kind)
    {
        using var model = nn.Linear(3, 1);
        using Optimizer optimizer = kind == "Adam"
            ? Adam(model.parameters(), lr: 0.01, beta1: 0.9, beta2: 0.98)
            : AdamW(model.parameters(), lr: 0.01, beta1: 0.9, beta2: 0.98);
        var schedule = new OptimizerSchedule([Schedule.OneCycle(Cycle)], [Schedule.OneCycleMomentum(Cycle)]);

        var scheduler = new OptimizerScheduleLR(optimizer, schedule);
        var beta1 = new List<double>();
        for (int position = 0; position < Steps; position++)
        {
            var betas = ((IBetas)optimizer.ParamGroups.Single()).Betas;
            betas.Item1.Should().Be(Schedule.OneCycleMomentum(Cycle).Evaluate(position), "position {0}", position);
            betas.Item2.Should().Be(0.98);
            beta1.Add(betas.Item1);
            scheduler.step();
        }

        beta1.Min().Should().Be(Cycle.BaseMomentum, "beta1 reaches the base momentum at the peak of the rate");
    }

    [Fact]
    public void Step_WithEpoch_JumpsThereInAnyOrder_AndStepContinuesFromIt()
    {
        using var model = TwoLayers();
        using var adam = TwoGroupOptimizer("Adam", model);
        var scheduler = new OptimizerScheduleLR(adam, TwoGroups);

        foreach (int position in new[] { 23, 4, 4, 29, 0, 100, 11 })
        {
            scheduler.step(position);

            scheduler.LastEpoch.Should().Be(position);
            Rates(adam).Should().Equal(Expected(position), "a jump to {0}", position);
        }

        scheduler.step();
        scheduler.LastEpoch.Should().Be(12);
        Rates(adam).Should().Equal(Expected(12));

        static IEnumerable<double> Expected(int position) =>
            Enumerable.Range(0, 2).Select(g => TwoGroups.GetLearningRate(g, TrainingProgress.AtStep(position)));
    }

    [Fact]
    public void GetLastLr_AfterStepsAndJumps_IsTheRatesSetOnTheGroups()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupOptimizer("SGD", model);
        var scheduler = new OptimizerScheduleLR(sgd, TwoGroups);

        for (int i = 0; i < 8; i++)
        {
            scheduler.step();
        }

        scheduler.get_last_lr().Should().Equal(Rates(sgd)).And.Equal(TwoGroups.GetLearningRate(0, TrainingProgress.AtStep(8)), TwoGroups.GetLearningRate(1, TrainingProgress.AtStep(8)));

        scheduler.step(3);
        scheduler.get_last_lr().Should().Equal(Rates(sgd)).And.Equal(TwoGroups.GetLearningRate(0, TrainingProgress.AtStep(3)), TwoGroups.GetLearningRate(1, TrainingProgress.AtStep(3)));
    }

    [Fact]
    public void Constructor_OneLearningRateSchedule_DrivesEveryGroupAndLeavesMomentumAlone()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupOptimizer("SGD", model);
        var cosine = Schedule.CosineAnnealing(0.1, 0.0, 10);

        var scheduler = new OptimizerScheduleLR(sgd, cosine);
        scheduler.step();
        scheduler.step();

        Rates(sgd).Should().Equal(cosine.Evaluate(2), cosine.Evaluate(2));
        sgd.ParamGroups.Cast<IMomentum>().Select(g => g.Momentum).Should().Equal(0.9, 0.8);
        scheduler.Schedule.GroupCount.Should().Be(2);
    }

    [Fact]
    public void Constructor_ScheduleWithPlateau_ThrowsSayingToUseAPlanner_AndChangesNothing()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupOptimizer("SGD", model);
        var schedule = TwoGroups.WithPlateau(new ReduceOnPlateauOptions { Patience = 1 });

        var act = () => new OptimizerScheduleLR(sgd, schedule);

        act.Should().Throw<ArgumentException>().WithParameterName("schedule").WithMessage("*reduces on plateau*TrainingPlanner*optimizer.Apply(plan)*");
        Rates(sgd).Should().Equal(0.1, 0.2);
    }

    [Fact]
    public void Constructor_ConstantWithPlateau_IsRefusedToo()
    {
        using var model = nn.Linear(3, 1);
        using var sgd = SGD(model.parameters(), learningRate: 0.1);

        var act = () => new OptimizerScheduleLR(sgd, OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions(), [0.1]));

        act.Should().Throw<ArgumentException>().WithParameterName("schedule").WithMessage("*HasPlateau*TrainingPlanner*");
    }

    [Fact]
    public void Constructor_ScheduleOnAnotherClock_ThrowsNamingTheClock()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupOptimizer("SGD", model);

        var act = () => new OptimizerScheduleLR(sgd, new OptimizerSchedule([Schedule.Constant(0.1), Schedule.Linear(0.1, 0, 1000).On(ProgressClock.Samples)]));
        var single = () => new OptimizerScheduleLR(sgd, Schedule.Linear(0.1, 0, 3).On(ProgressClock.Epochs));

        act.Should().Throw<ArgumentException>().WithParameterName("schedule").WithMessage("*Samples clock*Steps clock*");
        single.Should().Throw<ArgumentException>().WithParameterName("learningRate").WithMessage("*Epochs clock*Steps clock*");
        Rates(sgd).Should().Equal(0.1, 0.2);
    }

    [Fact]
    public void Constructor_GroupCountMismatch_ThrowsAndChangesNothing()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupOptimizer("SGD", model);

        var act = () => new OptimizerScheduleLR(sgd, new OptimizerSchedule([Schedule.Constant(0.5)]));

        act.Should().Throw<ArgumentException>().WithParameterName("schedule").WithMessage("*1 parameter groups*optimizer, 2*");
        Rates(sgd).Should().Equal(0.1, 0.2);
    }

    [Fact]
    public void Constructor_MomentumOnOptimizerWithoutMomentum_ThrowsArgumentException()
    {
        using var model = nn.Linear(3, 1);
        using var adagrad = Adagrad(model.parameters(), lr: 0.05);
        var schedule = new OptimizerSchedule([Schedule.OneCycle(Cycle)], [Schedule.OneCycleMomentum(Cycle)]);

        var act = () => new OptimizerScheduleLR(adagrad, schedule);

        act.Should().Throw<ArgumentException>().WithParameterName("schedule").WithMessage("*group 0 of the Adagrad optimizer*");
        Rates(adagrad).Should().Equal(0.05);
    }

    [Fact]
    public void Constructor_NullArguments_ThrowNamingThem()
    {
        using var model = nn.Linear(3, 1);
        using var sgd = SGD(model.parameters(), learningRate: 0.1);

        FluentActions.Invoking(() => new OptimizerScheduleLR(null!, TwoGroups)).Should().Throw<ArgumentNullException>().WithParameterName("optimizer");
        FluentActions.Invoking(() => new OptimizerScheduleLR(sgd, (OptimizerSchedule)null!)).Should().Throw<ArgumentNullException>().WithParameterName("schedule");
        FluentActions.Invoking(() => new OptimizerScheduleLR(null!, Schedule.Constant(0.1))).Should().Throw<ArgumentNullException>().WithParameterName("optimizer");
        FluentActions.Invoking(() => new OptimizerScheduleLR(sgd, (LearningRateSchedule)null!)).Should().Throw<ArgumentNullException>().WithParameterName("learningRate");
    }

    [Fact]
    public void Step_NegativeEpoch_ThrowsAndChangesNothing()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupOptimizer("SGD", model);
        var scheduler = new OptimizerScheduleLR(sgd, TwoGroups);
        scheduler.step(6);
        var before = Rates(sgd).ToArray();

        var act = () => scheduler.step(-1);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("epoch").WithMessage("*'epoch' is -1*zero or more*");
        scheduler.LastEpoch.Should().Be(6);
        Rates(sgd).Should().Equal(before);
        scheduler.get_last_lr().Should().Equal(before);
    }

    [Fact]
    public void Step_InTrainingLoopWrittenForTorchSharpSchedulers_TrainsAndEndsOnTheSchedulesLastValue()
    {
        torch.random.manual_seed(5);
        using var x = rand(256, 2);
        using var y = x.matmul(tensor(new[] { 2.0f, -3.0f }).reshape(2, 1)) + 0.5f;
        using var model = nn.Linear(2, 1);
        using var adam = Adam(model.parameters(), lr: 1e-3);
        var cycle = new OneCycleOptions { MaxLearningRate = 0.2, TotalSteps = 60 };
        var schedule = new OptimizerSchedule([Schedule.OneCycle(cycle)], [Schedule.OneCycleMomentum(cycle)]);
        lr_scheduler.LRScheduler scheduler = new OptimizerScheduleLR(adam, schedule);
        var losses = new List<float>();

        for (int epoch = 0; epoch < 60; epoch++)
        {
            using var scope = NewDisposeScope();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            adam.zero_grad();
            loss.backward();
            adam.step();
            scheduler.step();
            losses.Add(loss.item<float>());
        }

        losses[^1].Should().BeLessThan(losses[0] / 4, "the seeded model learns while the scheduler drives it");
        adam.ParamGroups.Single().LearningRate.Should().Be(Schedule.OneCycle(cycle).Evaluate(60));
        scheduler.get_last_lr().Should().Equal(Schedule.OneCycle(cycle).Evaluate(60));
    }

    private static Sequential TwoLayers() => nn.Sequential(("a", nn.Linear(3, 4)), ("b", nn.Linear(4, 1)));

    private static Optimizer TwoGroupOptimizer(string kind, Sequential model)
    {
        var first = ((nn.Module)model[0]).parameters();
        var second = ((nn.Module)model[1]).parameters();
        return kind switch
        {
            "SGD" => SGD([new SGD.ParamGroup(first, lr: 0.1, momentum: 0.9), new SGD.ParamGroup(second, lr: 0.2, momentum: 0.8)], learningRate: 0.1),
            "Adam" => Adam([new Adam.ParamGroup(first, lr: 0.1), new Adam.ParamGroup(second, lr: 0.2)], lr: 0.1),
            "AdamW" => AdamW([new AdamW.ParamGroup(first, lr: 0.1), new AdamW.ParamGroup(second, lr: 0.2)], lr: 0.1),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "SGD, Adam or AdamW"),
        };
    }

    private static double[] Rates(Optimizer optimizer) => optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    private static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
