using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp.Tests.Data;

public class PlannedLoaderTests
{
    private static TrainingPlanner Planner(IBatchSizePolicy policy, long datasetSize, EpochBoundary boundary, int maxMicro = int.MaxValue) => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
        BatchSize = policy,
        DatasetSize = datasetSize,
        EpochBoundary = boundary,
        MaxMicroBatchSize = maxMicro,
    });

    /// <summary>A policy whose batch jumps between sizes drawn from a seeded generator, every step.</summary>
    private static IBatchSizePolicy RandomBatches(Random random, int replicas, int steps, long datasetSize)
    {
        // At most the dataset: under Drop a larger batch would pass every epoch over, which the planner refuses.
        var sizes = Enumerable.Range(0, steps).Select(_ => (double)(replicas * random.Next(1, 1 + (int)Math.Min(39, datasetSize / replicas)))).ToArray();
        var milestones = Enumerable.Range(1, steps - 1).Select(i => (double)i).ToArray();
        return BatchSizePolicy.FromCurve(Schedule.PiecewiseConstant(milestones, sizes), new BatchSizeConstraints(replicas: replicas));
    }

    /// <summary>Runs a plan for every rank and returns, for each stream position the plans cover, the dataset index a rank read there.</summary>
    private static List<(long Position, long Index)> Cover(TrainingPlanner planner, IReadOnlyList<PlannedLoader<IList<Tensor>>> ranks, int steps)
    {
        var read = new List<(long, long)>();
        for (int step = 0; step < steps; step++)
        {
            StepPlan plan = planner.Plan();
            BatchPlan batch = plan.Batch;
            long position = plan.DataOffset;
            for (int i = 0; i < batch.AccumulationSteps; i++)
            {
                foreach (PlannedLoader<IList<Tensor>> loader in ranks)
                {
                    foreach (long index in loader.GetIndices(plan, i))
                    {
                        read.Add((position++, index));
                    }
                }
            }

            planner.Complete(new StepOutcome(batch.GlobalBatchSize));
        }

        return read;
    }

    [Theory]
    [InlineData(1, EpochBoundary.Keep, 7)]
    [InlineData(2, EpochBoundary.Continue, 5)]
    [InlineData(3, EpochBoundary.Keep, 16)]
    [InlineData(4, EpochBoundary.Drop, 9)]
    public void GetIndices_RandomPlans_EveryRankTogether_ReadEachSampleOncePerEpoch(int replicas, EpochBoundary boundary, int maxMicro)
    {
        const long Size = 97;
        for (int seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            using var data = arange(Size);
            var ranks = Enumerable.Range(0, replicas)
                .Select(r => PlannedLoader.FromTensors([data], new PlannedLoaderOptions { Seed = seed, Rank = r }))
                .ToList();

            List<(long Position, long Index)> read = Cover(Planner(RandomBatches(random, replicas, 60, Size), Size, boundary, maxMicro), ranks, 60);

            // Positions are read in stream order without a gap inside a step, and each epoch's positions name distinct samples.
            foreach (var epoch in read.GroupBy(x => x.Position / Size))
            {
                epoch.Select(x => x.Index).Should().OnlyHaveUniqueItems("epoch {0}, seed {1}", epoch.Key, seed);
                epoch.Select(x => x.Index).Should().OnlyContain(i => i >= 0 && i < Size);
                bool complete = read.Any(x => x.Position / Size > epoch.Key);
                if (complete && boundary != EpochBoundary.Drop)
                {
                    epoch.Should().HaveCount((int)(Size - (Size % replicas == 0 || boundary == EpochBoundary.Continue ? 0 : Size % replicas)), "a finished epoch covers the dataset, but for a tail smaller than the replicas under Keep");
                }
            }

            ranks.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public void GetMicroBatch_InMemoryTensors_GathersTheRowsOfTheIndices()
    {
        using var inputs = arange(50).reshape(50, 1) * 10;
        using var labels = arange(50) % 3;
        using var loader = PlannedLoader.FromTensors([inputs, labels], new PlannedLoaderOptions { Seed = 4 });
        var planner = Planner(BatchSizePolicy.Fixed(12), 50, EpochBoundary.Keep, maxMicro: 5);
        StepPlan plan = planner.Plan();

        for (int i = 0; i < plan.Batch.AccumulationSteps; i++)
        {
            using var scope = NewDisposeScope();
            MicroBatch<IList<Tensor>> micro = loader.GetMicroBatch(plan, i);
            long[] indices = loader.GetIndices(plan, i);

            micro.Size.Should().Be(indices.Length).And.Be(plan.Batch.GetMicroBatchSize(i));
            micro.LossWeight.Should().Be(plan.Batch.GetLossWeight(i));
            micro.Data[0].shape.Should().Equal(indices.Length, 1);
            micro.Data[0].data<long>().ToArray().Should().Equal(indices.Select(x => x * 10));
            micro.Data[1].data<long>().ToArray().Should().Equal(indices.Select(x => x % 3));
        }
    }

    [Fact]
    public void GetIndices_SameSeed_SameOrder_OtherSeed_OtherOrder_NoShuffle_DatasetOrder()
    {
        using var data = arange(40);
        using var a = PlannedLoader.FromTensors([data], new PlannedLoaderOptions { Seed = 7 });
        using var b = PlannedLoader.FromTensors([data], new PlannedLoaderOptions { Seed = 7 });
        using var c = PlannedLoader.FromTensors([data], new PlannedLoaderOptions { Seed = 8 });
        using var plain = PlannedLoader.FromTensors([data], new PlannedLoaderOptions { Shuffle = false });
        StepPlan whole = Planner(BatchSizePolicy.Fixed(40), 40, EpochBoundary.Keep).Plan();

        long[] order = a.GetIndices(whole, 0);

        order.Should().BeEquivalentTo(Enumerable.Range(0, 40).Select(i => (long)i), "an epoch is a permutation");
        b.GetIndices(whole, 0).Should().Equal(order);
        c.GetIndices(whole, 0).Should().NotEqual(order);
        plain.GetIndices(whole, 0).Should().Equal(Enumerable.Range(0, 40).Select(i => (long)i));
    }

    [Fact]
    public void GetIndices_EachEpoch_HasItsOwnOrder()
    {
        using var data = arange(30);
        using var loader = PlannedLoader.FromTensors([data], new PlannedLoaderOptions { Seed = 1 });
        var planner = Planner(BatchSizePolicy.Fixed(30), 30, EpochBoundary.Keep);

        StepPlan first = planner.Plan();
        long[] epoch0 = loader.GetIndices(first, 0);
        planner.Complete(new StepOutcome(30));
        long[] epoch1 = loader.GetIndices(planner.Plan(), 0);

        epoch1.Should().BeEquivalentTo(epoch0).And.NotEqual(epoch0);
    }

    [Fact]
    public void GetIndices_ResumedFromTheSavedState_ReadsExactlyTheSamplesNotYetSeen()
    {
        TrainingPlanner Fresh() => Planner(BatchSizePolicy.Steps([4.0, 9.0], [24, 40, 16]), 100, EpochBoundary.Drop, maxMicro: 10);
        using var data = arange(100);
        using var loader = PlannedLoader.FromTensors([data], new PlannedLoaderOptions { Seed = 3 });
        List<(long Position, long Index)> straight = Cover(Fresh(), [loader], 20);

        var first = Fresh();
        List<(long Position, long Index)> before = Cover(first, [loader], 7);
        var resumed = new TrainingPlanner(
            new TrainingPlannerOptions
            {
                Schedule = new OptimizerSchedule([Schedule.Constant(0.1)]),
                BatchSize = BatchSizePolicy.Steps([4.0, 9.0], [24, 40, 16]),
                DatasetSize = 100,
                EpochBoundary = EpochBoundary.Drop,
                MaxMicroBatchSize = 10,
            },
            TrainingPlannerState.FromJson(first.State.ToJson()));
        using var reopened = PlannedLoader.FromTensors([data], new PlannedLoaderOptions { Seed = 3 });

        List<(long Position, long Index)> after = Cover(resumed, [reopened], 13);

        before.Concat(after).Should().Equal(straight);
        after.Select(x => x.Position / 100).Distinct().Count().Should().BeGreaterThan(1, "the resumed part crosses an epoch");
    }

    [Fact]
    public void FromDataset_Dictionary_StacksEachKeyAsTorchSharpsLoaderDoes()
    {
        using var dataset = new Squares(20);
        using var loader = PlannedLoader.FromDataset(dataset, new PlannedLoaderOptions { Seed = 2 });
        StepPlan plan = Planner(BatchSizePolicy.Fixed(6), 20, EpochBoundary.Keep).Plan();

        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = loader.GetMicroBatch(plan, 0).Data;
        long[] indices = loader.GetIndices(plan, 0);

        batch["x"].shape.Should().Equal(6, 2);
        batch["y"].shape.Should().Equal(6);
        batch["y"].data<long>().ToArray().Should().Equal(indices.Select(i => i * i));
    }

    [Fact]
    public void Factories_BadInput_ThrowNamingTheParameter()
    {
        using var a = zeros(5, 2);
        using var b = zeros(4);
        using var empty = zeros(0, 3);

        ((Action)(() => PlannedLoader.FromTensors([]))).Should().Throw<ArgumentException>().WithParameterName("tensors").WithMessage("*empty*");
        ((Action)(() => PlannedLoader.FromTensors([a, b]))).Should().Throw<ArgumentException>().WithParameterName("tensors").WithMessage("*tensors[1]*first dimension*5*");
        ((Action)(() => PlannedLoader.FromTensors([empty]))).Should().Throw<ArgumentException>().WithParameterName("tensors").WithMessage("*no samples*");
        ((Action)(() => PlannedLoader.FromTensors([a], new PlannedLoaderOptions { Rank = -1 }))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options");
    }

    [Fact]
    public void GetMicroBatch_RankNotBelowTheReplicas_Throws()
    {
        using var data = arange(20);
        using var loader = PlannedLoader.FromTensors([data], new PlannedLoaderOptions { Rank = 2 });
        StepPlan plan = Planner(BatchSizePolicy.Fixed(8, new BatchSizeConstraints(replicas: 2)), 20, EpochBoundary.Keep).Plan();

        ((Action)(() => loader.GetIndices(plan, 0))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*rank 2*replica count, 2*");
    }

    [Fact]
    public void GetMicroBatch_Prefetch_GivesTheSameBatches_AndReadsAheadOnAnotherThread()
    {
        // A batch that changes every few steps, micro-batches of at most 7, Keep at the epoch's end: many guesses miss.
        using var plainData = new Squares(53);
        using var aheadData = new Squares(53);
        using var plain = PlannedLoader.FromDataset(plainData, new PlannedLoaderOptions { Seed = 5 });
        using var ahead = PlannedLoader.FromDataset(aheadData, new PlannedLoaderOptions { Seed = 5, Prefetch = true });
        var planner = Planner(BatchSizePolicy.Steps([3.0, 6.0, 11.0], [12, 20, 5, 16]), 53, EpochBoundary.Keep, maxMicro: 7);
        int mainThread = Environment.CurrentManagedThreadId;

        for (int step = 0; step < 20; step++)
        {
            StepPlan plan = planner.Plan();
            for (int i = 0; i < plan.Batch.AccumulationSteps; i++)
            {
                using var scope = NewDisposeScope();
                Dictionary<string, Tensor> expected = plain.GetMicroBatch(plan, i).Data;
                Dictionary<string, Tensor> actual = ahead.GetMicroBatch(plan, i).Data;
                System.Threading.Thread.Sleep(2); // the training that reading the next micro-batch overlaps with
                actual["y"].data<long>().ToArray().Should().Equal(expected["y"].data<long>().ToArray(), "step {0}, micro-batch {1}", step, i);
                actual["x"].data<float>().ToArray().Should().Equal(expected["x"].data<float>().ToArray());
            }

            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
        }

        aheadData.Threads.Should().Contain(id => id != mainThread, "samples were read ahead on a background thread");
        plainData.Threads.Should().OnlyContain(id => id == mainThread);
    }

    private sealed class Squares(long count) : utils.data.Dataset
    {
        public System.Collections.Concurrent.ConcurrentBag<int> Threads { get; } = [];

        public override long Count => count;

        public override Dictionary<string, Tensor> GetTensor(long index)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            return new()
            {
                ["x"] = tensor(new float[] { index, -index }),
                ["y"] = tensor(index * index),
            };
        }
    }
}
