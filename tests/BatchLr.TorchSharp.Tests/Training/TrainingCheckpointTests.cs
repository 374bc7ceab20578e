using System;
using System.Collections.Generic;
using System.IO;
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

public sealed class TrainingCheckpointTests : IDisposable
{
    private const long Samples = 90;
    private readonly string _folder = Directory.CreateTempSubdirectory("batchlr-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TrainingPlannerOptions Options() => new()
    {
        Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.01, 0.0, 40)]).WithPlateau(new ReduceOnPlateauOptions { Patience = 1, Factor = 0.5, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 2 }),
        BatchSize = BatchSizePolicy.Steps([6.0], [16, 24]),
        Scaling = LearningRateScaling.SquareRoot(16),
        DatasetSize = Samples,
        EpochBoundary = EpochBoundary.Keep,
        MaxMicroBatchSize = 10,
    };

    /// <summary>A run's pieces: a model with dropout (so the random generator matters), Adam (so its moments matter), a loader.</summary>
    private sealed class Run : IDisposable
    {
        public Run(long initSeed, Tensor inputs, Tensor targets)
        {
            manual_seed(initSeed);
            Model = nn.Sequential(("a", nn.Linear(3, 8)), ("act", nn.ReLU()), ("drop", nn.Dropout(0.2)), ("b", nn.Linear(8, 1)));
            Optimizer = Adam(Model.parameters(), 0.01);
            Loader = PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Seed = 21 });
        }

        public Sequential Model { get; }

        public Optimizer Optimizer { get; }

        public PlannedLoader<IList<Tensor>> Loader { get; }

        public void Train(TrainingPlanner planner, int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                planner.Step(Optimizer, Loader, batch => nn.functional.mse_loss(Model.forward(batch[0]), batch[1]));
            }
        }

        public float[] Weights() => Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

        public void Dispose()
        {
            Loader.Dispose();
            Optimizer.Dispose();
            Model.Dispose();
        }
    }

    [Fact]
    public void SaveAndLoad_MidRun_EndsWithTheSameWeightsBitForBit()
    {
        var generator = new Generator(3);
        using Tensor inputs = randn([Samples, 3], generator: generator);
        using Tensor targets = randn([Samples, 1], generator: generator);

        using var straight = new Run(1, inputs, targets);
        manual_seed(99);
        var straightPlanner = new TrainingPlanner(Options());
        straight.Train(straightPlanner, 17);

        using (var first = new Run(1, inputs, targets))
        {
            manual_seed(99);
            var planner = new TrainingPlanner(Options());
            first.Train(planner, 7);
            TrainingCheckpoint.Save(_folder, first.Model, first.Optimizer, planner, first.Loader);
            first.Train(planner, 3); // work after the checkpoint is lost, as in a crash
        }

        using var resumed = new Run(2, inputs, targets); // other initial weights: all must come from the checkpoint
        TrainingState state = TrainingCheckpoint.Load(_folder, resumed.Model, resumed.Optimizer, resumed.Loader);
        var resumedPlanner = new TrainingPlanner(Options(), state.Planner);
        resumed.Train(resumedPlanner, 10);

        resumed.Weights().Should().Equal(straight.Weights());
        resumedPlanner.State.Should().Be(straightPlanner.State);
        state.Planner.Step.Should().Be(7);
    }

    [Fact]
    public void Save_Twice_KeepsOnlyTheFilesTheStateNames()
    {
        using Tensor inputs = zeros(Samples, 3), targets = zeros(Samples, 1);
        using var run = new Run(1, inputs, targets);
        var planner = new TrainingPlanner(Options());
        TrainingCheckpoint.Save(_folder, run.Model, run.Optimizer, planner, run.Loader);
        run.Train(planner, 2);

        TrainingState state = TrainingCheckpoint.Save(_folder, run.Model, run.Optimizer, planner, run.Loader);

        Directory.GetFiles(_folder).Select(Path.GetFileName).Should().BeEquivalentTo([TrainingCheckpoint.StateFileName, state.ModelFile, state.OptimizerFile]);
        TrainingState.FromJson(File.ReadAllText(Path.Combine(_folder, TrainingCheckpoint.StateFileName))).Should().BeEquivalentTo(state);
    }

    [Fact]
    public void Load_LoaderWithAnotherOrder_IsRefusedAndLoadsNothing()
    {
        using Tensor inputs = zeros(Samples, 3), targets = zeros(Samples, 1);
        using var run = new Run(1, inputs, targets);
        TrainingCheckpoint.Save(_folder, run.Model, run.Optimizer, new TrainingPlanner(Options()), run.Loader);
        using var other = PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Seed = 22 });
        using var fresh = new Run(5, inputs, targets);
        float[] before = fresh.Weights();

        var act = () => TrainingCheckpoint.Load(_folder, fresh.Model, fresh.Optimizer, other);

        act.Should().Throw<ArgumentException>().WithParameterName("loader").WithMessage("*seed 22*seed 21*Nothing was loaded*");
        fresh.Weights().Should().Equal(before);
    }

    [Fact]
    public void Load_EmptyFolder_SaysThereIsNoCheckpoint()
    {
        using Tensor inputs = zeros(Samples, 3), targets = zeros(Samples, 1);
        using var run = new Run(1, inputs, targets);

        var act = () => TrainingCheckpoint.Load(_folder, run.Model, run.Optimizer, run.Loader);

        act.Should().Throw<FileNotFoundException>().WithMessage("*no checkpoint*training.json*");
    }
}
