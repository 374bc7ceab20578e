using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Scaling;
using BatchLr.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp.Tests.Training;

public class PlannedStepTests
{
    private const long Samples = 60;

    private static (Tensor Inputs, Tensor Targets) Data()
    {
        var generator = new Generator(11);
        Tensor inputs = randn([Samples, 4], dtype: ScalarType.Float64, generator: generator);
        Tensor targets = randn([Samples, 1], dtype: ScalarType.Float64, generator: generator);
        return (inputs, targets);
    }

    private static Linear Model()
    {
        Linear model = nn.Linear(4, 1, dtype: ScalarType.Float64);
        using (no_grad())
        {
            model.weight!.copy_(tensor(new double[,] { { 0.3, -0.2, 0.5, 0.1 } }, dtype: ScalarType.Float64));
            model.bias!.copy_(tensor(new[] { 0.05 }, dtype: ScalarType.Float64));
        }

        return model;
    }

    private static TrainingPlanner Planner(int batch, int maxMicro, IBatchSizePolicy? policy = null, ILearningRateScaling? scaling = null) => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
        BatchSize = policy ?? BatchSizePolicy.Fixed(batch),
        Scaling = scaling ?? LearningRateScaling.None,
        DatasetSize = Samples,
        MaxMicroBatchSize = maxMicro,
    });

    private static Func<IList<Tensor>, Tensor> Mse(nn.Module<Tensor, Tensor> model) => batch => nn.functional.mse_loss(model.forward(batch[0]), batch[1]);

    private static double[] Weights(Linear model) => [.. model.weight!.data<double>().ToArray(), .. model.bias!.data<double>().ToArray()];

    [Theory]
    [InlineData(12, 5)] // 3 micro-batches of 4
    [InlineData(10, 4)] // 4, 4, 2: unequal shares
    public void Step_AccumulatedMicroBatches_UpdateAsTheWholeBatchAtOnce(int batch, int maxMicro)
    {
        (Tensor inputs, Tensor targets) = Data();
        using var loader = PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Seed = 5 });
        using Linear whole = Model(), split = Model();
        using var sgdWhole = SGD(whole.parameters(), 0.1);
        using var sgdSplit = SGD(split.parameters(), 0.1);
        TrainingPlanner one = Planner(batch, int.MaxValue), many = Planner(batch, maxMicro);

        for (int step = 0; step < 3; step++)
        {
            StepReport a = one.Step(sgdWhole, loader, Mse(whole));
            StepReport b = many.Step(sgdSplit, loader, Mse(split));

            a.Plan.Batch.AccumulationSteps.Should().Be(1);
            b.Plan.Batch.AccumulationSteps.Should().BeGreaterThan(1);

            // In float64 the two sums differ only by the order of additions: a few ulps of values near 1.
            b.Loss.Should().BeApproximately(a.Loss, 1e-14);
            Weights(split).Zip(Weights(whole)).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-14);
        }

        one.Progress.Samples.Should().Be(3L * batch);
    }

    [Fact]
    public void Step_LossReported_IsTheMeanOverTheBatch_AndThePlannerAdvances()
    {
        (Tensor inputs, Tensor targets) = Data();
        using var loader = PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Seed = 9 });
        using Linear model = Model();
        using var sgd = SGD(model.parameters(), 0.1);
        TrainingPlanner planner = Planner(10, 4);
        StepPlan plan = planner.Plan();
        var indices = Enumerable.Range(0, plan.Batch.AccumulationSteps).SelectMany(i => loader.GetIndices(plan, i)).ToArray();
        using var at = tensor(indices);
        double expected;
        using (no_grad())
        {
            expected = nn.functional.mse_loss(model.forward(inputs.index_select(0, at)), targets.index_select(0, at)).ToDouble();
        }

        StepReport report = planner.Step(sgd, loader, Mse(model));

        report.Plan.Should().Be(plan);
        report.Loss.Should().BeApproximately(expected, 1e-14);
        report.Seconds.Should().BeGreaterThanOrEqualTo(0);
        planner.Progress.Step.Should().Be(1);
        planner.Progress.Samples.Should().Be(10);
    }

    [Fact]
    public void Step_GradientStatistics_MatchADirectComputation()
    {
        // A noise-adaptive batch on one replica: the planner splits 12 into 2 micro-batches of 6 and the step measures
        // |g_6|² (the first micro-batch's mean gradient) and |g_12|² (the batch's), read here by separate backward passes.
        (Tensor inputs, Tensor targets) = Data();
        using var loader = PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Seed = 2 });
        using Linear model = Model(), probe = Model();
        using var sgd = SGD(model.parameters(), 0.1);
        TrainingPlanner planner = Planner(12, int.MaxValue, BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 12 }));
        StepPlan plan = planner.Plan();
        double SquaredGradient(long[] rows)
        {
            probe.zero_grad();
            using var at = tensor(rows);
            nn.functional.mse_loss(probe.forward(inputs.index_select(0, at)), targets.index_select(0, at)).backward();
            return probe.parameters().Sum(p => p.grad!.square().sum().ToDouble());
        }

        long[] firstRows = loader.GetIndices(plan, 0);
        long[] allRows = [.. firstRows, .. loader.GetIndices(plan, 1)];
        double small = SquaredGradient(firstRows);
        double large = SquaredGradient(allRows);

        GradientStatistics statistics = planner.Step(sgd, loader, Mse(model)).Gradients!.Value;

        (statistics.SmallBatchSize, statistics.LargeBatchSize).Should().Be((6, 12));
        statistics.SmallBatchSquaredNorm.Should().BeApproximately(small, 1e-13 * small);
        statistics.LargeBatchSquaredNorm.Should().BeApproximately(large, 1e-13 * large);
        planner.Noise.IsKnown.Should().BeTrue("the planner received the statistics");
    }

    [Fact]
    public void Step_MaxGradientNorm_LimitsTheUpdate()
    {
        // Plain SGD: Δθ = -lr · g. clip_grad_norm_ scales g by c / (|g| + 1e-6) (PyTorch's eps) when that is below 1,
        // so |Δθ| = lr · c · |g| / (|g| + 1e-6).
        (Tensor inputs, Tensor targets) = Data();
        using var loader = PlannedLoader.FromTensors([inputs, targets]);
        using Linear model = Model(), probe = Model();
        using var sgd = SGD(model.parameters(), 0.1);
        double[] before = Weights(model);
        TrainingPlanner planner = Planner(20, int.MaxValue);
        using var rows = tensor(loader.GetIndices(planner.Plan(), 0));
        nn.functional.mse_loss(probe.forward(inputs.index_select(0, rows)), targets.index_select(0, rows)).backward();
        double norm = Math.Sqrt(probe.parameters().Sum(p => p.grad!.square().sum().ToDouble()));

        planner.Step(sgd, loader, Mse(model), new PlannedStepOptions { MaxGradientNorm = 1e-3 });

        double moved = Math.Sqrt(Weights(model).Zip(before).Sum(p => (p.First - p.Second) * (p.First - p.Second)));
        norm.Should().BeGreaterThan(1e-3, "the gradient must be large enough to be clipped");
        moved.Should().BeApproximately(0.1 * 1e-3 * norm / (norm + 1e-6), 1e-15);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Step_SetsThePlannedRateOnEveryGroup_BeforeTheOptimizerSteps(string kind)
    {
        (Tensor inputs, Tensor targets) = Data();
        using var loader = PlannedLoader.FromTensors([inputs, targets]);
        using Linear model = Model();
        using Optimizer optimizer = kind switch
        {
            "sgd" => SGD(model.parameters(), 1.0),
            "adam" => Adam(model.parameters(), 1.0),
            _ => AdamW(model.parameters(), 1.0),
        };
        var planner = new TrainingPlanner(new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.001, 10)]),
            BatchSize = BatchSizePolicy.Steps([3.0], [8, 16]),
            Scaling = LearningRateScaling.SquareRoot(8),
            DatasetSize = Samples,
        });

        for (int step = 0; step < 6; step++)
        {
            StepReport report = planner.Step(optimizer, loader, Mse(model));
            double expected = Schedule.CosineAnnealing(0.1, 0.001, 10).Evaluate(step) * Math.Sqrt(report.Plan.Batch.GlobalBatchSize / 8.0);
            optimizer.ParamGroups.Single().LearningRate.Should().Be(report.Plan.LearningRate);
            report.Plan.LearningRate.Should().BeApproximately(expected, 1e-15);
        }
    }

    [Fact]
    public void Step_LossNotOneNumber_ThrowsBeforeTheOptimizerSteps_AndThePlannerStays()
    {
        (Tensor inputs, Tensor targets) = Data();
        using var loader = PlannedLoader.FromTensors([inputs, targets]);
        using Linear model = Model();
        using var sgd = SGD(model.parameters(), 0.1);
        TrainingPlanner planner = Planner(8, int.MaxValue);
        double[] before = Weights(model);

        var act = () => planner.Step(sgd, loader, batch => nn.functional.mse_loss(model.forward(batch[0]), batch[1], reduction: nn.Reduction.None));

        act.Should().Throw<InvalidOperationException>().WithMessage("*shape [8, 1]*one number*");
        Weights(model).Should().Equal(before);
        planner.Progress.Step.Should().Be(0);
    }

    [Fact]
    public void Step_BadClipping_IsRefusedNamingTheOption()
    {
        (Tensor inputs, Tensor targets) = Data();
        using var loader = PlannedLoader.FromTensors([inputs, targets]);
        using Linear model = Model();
        using var sgd = SGD(model.parameters(), 0.1);

        var act = () => Planner(8, 8).Step(sgd, loader, Mse(model), new PlannedStepOptions { MaxGradientNorm = 0 });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxGradientNorm' is 0*greater than zero*");
    }
}
