using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using BatchLr.Batching;
using BatchLr.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

#pragma warning disable CA2201 // The tests throw what LibTorch and the runtime throw on out-of-memory.

namespace BatchLr.TorchSharp.Tests.Training;

public class OutOfMemoryRecoveryTests
{
    private const long Samples = 120;

    private static TrainingPlanner Planner() => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.05, 0.0, 60)]),
        BatchSize = BatchSizePolicy.Steps([10.0], [24, 40]),
        DatasetSize = Samples,
        EpochBoundary = EpochBoundary.Keep,
        MaxMicroBatchSize = 40,
        MicroBatchRegrowthInterval = 3,
    });

    private static Sequential Model()
    {
        manual_seed(4);
        return nn.Sequential(("a", nn.Linear(3, 6, dtype: ScalarType.Float64)), ("act", nn.Tanh()), ("b", nn.Linear(6, 1, dtype: ScalarType.Float64)));
    }

    [Fact]
    public void Step_OutOfMemoryAtRandomSteps_EndsWithTheWeightsOfARunWithoutFailures_AndUsesEverySampleOnce()
    {
        var generator = new Generator(8);
        using Tensor inputs = randn([Samples, 3], dtype: ScalarType.Float64, generator: generator);
        using Tensor targets = randn([Samples, 1], dtype: ScalarType.Float64, generator: generator);
        using var loader = PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Seed = 2 });

        using Sequential clean = Model(), failing = Model();
        using var cleanSgd = SGD(clean.parameters(), 0.05, momentum: 0.9);
        using var failingSgd = SGD(failing.parameters(), 0.05, momentum: 0.9);
        TrainingPlanner cleanPlanner = Planner(), failingPlanner = Planner();

        // The failing device holds between 5 and 40 samples, drawn afresh every step: a micro-batch above that runs out of
        // memory the way LibTorch reports it, part-way through the step's micro-batches.
        var random = new Random(13);
        int capacity = 40;
        var read = new List<long>();
        int retries = 0;
        for (int step = 0; step < 30; step++)
        {
            capacity = random.Next(5, 41);
            StepReport expected = cleanPlanner.Step(cleanSgd, loader, batch => nn.functional.mse_loss(clean.forward(batch[0]), batch[1]));
            StepReport actual = failingPlanner.Step(failingSgd, loader, batch =>
            {
                if (batch[0].shape[0] > capacity)
                {
                    throw new ExternalException("CUDA out of memory. Tried to allocate 20.00 MiB (simulated)");
                }

                return nn.functional.mse_loss(failing.forward(batch[0]), batch[1]);
            });

            retries += actual.OutOfMemoryRetries;
            actual.Plan.Batch.GlobalBatchSize.Should().Be(expected.Plan.Batch.GlobalBatchSize, "the optimizer sees the batch the policy asked for");
            actual.Plan.DataOffset.Should().Be(expected.Plan.DataOffset, "the same samples");
            actual.Plan.LearningRate.Should().Be(expected.Plan.LearningRate);
            actual.Plan.Batch.MicroBatchSize.Should().BeLessThanOrEqualTo(capacity);
            read.AddRange(Enumerable.Range(0, actual.Plan.Batch.AccumulationSteps).SelectMany(i => loader.GetIndices(actual.Plan, i)));
        }

        retries.Should().BeGreaterThan(5, "the draw must actually make steps fail");

        // The same samples split differently: float64 sums in another order, so equal to a few ulps of values near 1.
        double[] a = clean.parameters().SelectMany(p => p.data<double>().ToArray()).ToArray();
        double[] b = failing.parameters().SelectMany(p => p.data<double>().ToArray()).ToArray();
        a.Zip(b).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-12);
        failingPlanner.Progress.Should().Be(cleanPlanner.Progress);

        // Every sample once per epoch: 30 steps of 24/40 (cut at epochs' ends) over 120 samples.
        foreach (var epoch in read.Select((index, position) => (index, position)).GroupBy(x => x.position / Samples))
        {
            epoch.Select(x => x.index).Should().OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public void Step_OutOfMemoryOnOneRankOnly_EveryRankRetries()
    {
        // Two ranks in one process: rank 1's device holds 8 samples; they agree through a shared flag (an all-reduce with MAX).
        using Tensor inputs = randn(64, 3, dtype: ScalarType.Float64), targets = randn(64, 1, dtype: ScalarType.Float64);
        var options = new TrainingPlannerOptions
        {
            Schedule = new OptimizerSchedule([Schedule.Constant(0.01)]),
            BatchSize = BatchSizePolicy.Fixed(32, new BatchSizeConstraints(replicas: 2)),
            DatasetSize = 64,
        };
        var planners = new[] { new TrainingPlanner(options), new TrainingPlanner(options) };
        var loaders = new[]
        {
            PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Rank = 0 }),
            PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Rank = 1 }),
        };
        using Sequential model0 = Model(), model1 = Model();
        using var sgd0 = SGD(model0.parameters(), 0.01);
        using var sgd1 = SGD(model1.parameters(), 0.01);

        // The ranks run one after the other here, so rank 0 learns rank 1's flag from rank 1's previous attempt: the test
        // drives the two attempts by hand through the flags each rank reports.
        bool rank1Fails = true;
        StepReport first = planners[0].Step(sgd0, loaders[0], b => nn.functional.mse_loss(model0.forward(b[0]), b[1]), new PlannedStepOptions
        {
            AgreeOnOutOfMemory = local =>
            {
                bool any = local || rank1Fails;
                rank1Fails = false; // after the agreed shrink, rank 1's micro-batch of 8 fits
                return any;
            },
        });
        StepReport second = planners[1].Step(sgd1, loaders[1], b => b[0].shape[0] > 8 ? throw new OutOfMemoryException() : nn.functional.mse_loss(model1.forward(b[0]), b[1]), new PlannedStepOptions
        {
            AgreeOnOutOfMemory = local => local,
        });

        first.OutOfMemoryRetries.Should().Be(1);
        second.OutOfMemoryRetries.Should().Be(1);
        first.Plan.Should().Be(second.Plan, "both ranks retried the same step with the same split");
        first.Plan.Batch.MicroBatchSize.Should().Be(8);
        loaders.ToList().ForEach(l => l.Dispose());
    }

    [Fact]
    public void Step_RecoveryOff_LetsTheOutOfMemoryThrough_AndThePlannerStays()
    {
        using Tensor inputs = zeros(16, 3, dtype: ScalarType.Float64), targets = zeros(16, 1, dtype: ScalarType.Float64);
        using var loader = PlannedLoader.FromTensors([inputs, targets]);
        using Sequential model = Model();
        using var sgd = SGD(model.parameters(), 0.01);
        TrainingPlanner planner = Planner();

        var act = () => planner.Step(sgd, loader, _ => throw new OutOfMemoryException(), new PlannedStepOptions { RecoverFromOutOfMemory = false });

        act.Should().Throw<OutOfMemoryException>();
        planner.Progress.Step.Should().Be(0);
        planner.MicroBatchLimit.Should().Be(40);
    }
}
