using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp.Tests.Optimizers;

public class OptimizerScheduleExtensionsTests
{
    private static readonly OneCycleOptions Cycle = new() { MaxLearningRate = 0.1, TotalSteps = 20 };

    [Fact]
    public void Apply_TwoGroupSgd_SetsEachGroupsRate()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupSgd(model);
        var schedule = new OptimizerSchedule([Schedule.Step(0.1, 5), Schedule.Constant(0.01)]);

        sgd.Apply(schedule, TrainingProgress.AtStep(7));

        Rates(sgd).Should().Equal(0.1 * 0.1, 0.01);
    }

    [Fact]
    public void ApplyLearningRates_NullSchedule_ThrowsAndChangesNothing()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupSgd(model);
        var before = Rates(sgd).ToArray();

        var act = () => sgd.ApplyLearningRates([Schedule.Constant(0.5), null!], TrainingProgress.AtStep(0));

        act.Should().Throw<ArgumentNullException>().WithParameterName("schedules").WithMessage("*schedules[1]*No group was changed*");
        Rates(sgd).Should().Equal(before);
    }

    [Fact]
    public void Apply_StepPlan_SetsScaledRateOfEachGroup()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupSgd(model);
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.1), Schedule.Constant(0.02)]),
            BatchSize = Batching.BatchSizePolicy.Fixed(256),
            Scaling = Scaling.LearningRateScaling.SquareRoot(64),
        });

        sgd.Apply(planner.Plan());

        // sqrt(256 / 64) = 2 multiplies both groups' scheduled rates.
        Rates(sgd).Should().Equal(0.2, 0.04);
    }

    [Fact]
    public void Apply_StepPlanWithOtherGroupCount_ThrowsAndChangesNothing()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupSgd(model);
        var before = Rates(sgd).ToArray();
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.5)]),
            BatchSize = Batching.BatchSizePolicy.Fixed(8),
        });

        var act = () => sgd.Apply(planner.Plan());

        act.Should().Throw<ArgumentException>().WithParameterName("plan").WithMessage("*1 parameter groups*2*No group was changed*");
        Rates(sgd).Should().Equal(before);
    }

    [Fact]
    public void Apply_OneCycleMomentum_SetsSgdMomentum()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupSgd(model);
        var schedule = OneCycleForGroups(2);

        for (int step = 0; step < 20; step++)
        {
            var progress = TrainingProgress.AtStep(step);
            sgd.Apply(schedule, progress);

            double expected = Schedule.OneCycleMomentum(Cycle).Evaluate(step);
            sgd.ParamGroups.Cast<IMomentum>().Select(g => g.Momentum).Should().Equal(expected, expected);
            Rates(sgd).Should().Equal(Enumerable.Repeat(Schedule.OneCycle(Cycle).Evaluate(step), 2));
        }
    }

    [Fact]
    public void Apply_OneCycleMomentum_SetsAdamBeta1AndKeepsBeta2()
    {
        using var model = nn.Linear(3, 1);
        using var adam = Adam(model.parameters(), lr: 0.01, beta1: 0.9, beta2: 0.98);
        var schedule = OneCycleForGroups(1);

        adam.Apply(schedule, TrainingProgress.AtStep(6));

        var betas = ((IBetas)adam.ParamGroups.Single()).Betas;
        betas.Item1.Should().Be(Schedule.OneCycleMomentum(Cycle).Evaluate(6));
        betas.Item1.Should().BeLessThan(0.95);
        betas.Item2.Should().Be(0.98);
        Rates(adam).Should().Equal(Schedule.OneCycle(Cycle).Evaluate(6));
    }

    [Fact]
    public void Apply_OneCycleMomentum_SetsAdamWBeta1()
    {
        using var model = nn.Linear(3, 1);
        using var adamw = AdamW(model.parameters(), lr: 0.01);
        var schedule = OneCycleForGroups(1);

        adamw.Apply(schedule, TrainingProgress.AtStep(19));

        ((IBetas)adamw.ParamGroups.Single()).Betas.Item1.Should().Be(Schedule.OneCycleMomentum(Cycle).Evaluate(19));
    }

    [Fact]
    public void Apply_GroupCountMismatch_ThrowsAndChangesNoGroup()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupSgd(model);
        var schedule = new OptimizerSchedule([Schedule.Constant(0.5), Schedule.Constant(0.5), Schedule.Constant(0.5)]);

        var act = () => sgd.Apply(schedule, TrainingProgress.AtStep(0));

        act.Should().Throw<ArgumentException>()
            .WithParameterName("schedule")
            .WithMessage("*3 parameter groups*one per parameter group of the optimizer, 2*");
        Rates(sgd).Should().Equal(0.1, 0.2);
        sgd.ParamGroups.Cast<IMomentum>().Select(g => g.Momentum).Should().Equal(0.9, 0.8);
    }

    [Fact]
    public void Apply_MomentumOnOptimizerWithoutMomentum_ThrowsAndChangesNoGroup()
    {
        using var model = nn.Linear(3, 1);
        using var adagrad = Adagrad(model.parameters(), lr: 0.05);
        var schedule = OneCycleForGroups(1);

        var act = () => adagrad.Apply(schedule, TrainingProgress.AtStep(3));

        act.Should().Throw<InvalidOperationException>().WithMessage("*group 0 of the Adagrad optimizer has neither a momentum nor betas*");
        Rates(adagrad).Should().Equal(0.05);
    }

    [Fact]
    public void ApplyLearningRates_CountMismatch_ThrowsAndChangesNoGroup()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupSgd(model);

        var act = () => sgd.ApplyLearningRates([Schedule.Constant(0.5)], TrainingProgress.AtStep(0));

        act.Should().Throw<ArgumentException>().WithParameterName("schedules");
        Rates(sgd).Should().Equal(0.1, 0.2);
    }

    [Fact]
    public void Apply_WarmCall_AllocatesNothing()
    {
        using var model = TwoLayers();
        using var sgd = TwoGroupSgd(model);
        var schedule = new OptimizerSchedule(
            [Schedule.CosineAnnealing(0.1, 0.001, 100), Schedule.CosineAnnealing(0.2, 0.002, 100)],
            [Schedule.Linear(0.95, 0.85, 100), Schedule.Linear(0.95, 0.85, 100)]);
        sgd.Apply(schedule, TrainingProgress.AtStep(0));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 1; step < 100; step++)
        {
            sgd.Apply(schedule, TrainingProgress.AtStep(step));
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void Apply_InTrainingLoop_OptimizerReadsBackTheScheduleEachStep()
    {
        const int Steps = 40;
        torch.random.manual_seed(11);
        using var x = rand(256, 2);
        using var y = x.matmul(tensor(new[] { 2.0f, -3.0f }).reshape(2, 1)) + 0.5f;
        using var model = nn.Linear(2, 1);
        using var adam = Adam(model.parameters(), lr: 1e-3);
        var options = new OneCycleOptions { MaxLearningRate = 0.1, TotalSteps = Steps };
        var schedule = new OptimizerSchedule([Schedule.OneCycle(options)], [Schedule.OneCycleMomentum(options)]);
        var losses = new List<float>();

        for (int step = 0; step < Steps; step++)
        {
            var progress = TrainingProgress.AtStep(step);
            adam.Apply(schedule, progress);

            var group = adam.ParamGroups.Single();
            group.LearningRate.Should().Be(schedule.GetLearningRate(0, progress));
            ((IBetas)group).Betas.Item1.Should().Be(schedule.GetMomentum(0, progress));

            using var scope = NewDisposeScope();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            adam.zero_grad();
            loss.backward();
            adam.step();
            losses.Add(loss.item<float>());
        }

        losses[^1].Should().BeLessThan(losses[0] / 4, "the seeded model learns while the schedule drives it");
    }

    private static Sequential TwoLayers() => nn.Sequential(("a", nn.Linear(3, 4)), ("b", nn.Linear(4, 1)));

    private static SGD TwoGroupSgd(Sequential model)
    {
        var first = new SGD.ParamGroup(((nn.Module)model[0]).parameters(), lr: 0.1, momentum: 0.9);
        var second = new SGD.ParamGroup(((nn.Module)model[1]).parameters(), lr: 0.2, momentum: 0.8);
        return SGD([first, second], learningRate: 0.1);
    }

    private static OptimizerSchedule OneCycleForGroups(int groups) => new(
        Enumerable.Repeat(Schedule.OneCycle(Cycle), groups).ToArray(),
        Enumerable.Repeat(Schedule.OneCycleMomentum(Cycle), groups).ToArray());

    private static double[] Rates(Optimizer optimizer) => optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
}
