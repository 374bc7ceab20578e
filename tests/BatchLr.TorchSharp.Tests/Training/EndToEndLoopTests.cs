using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp.Tests.Training;

/// <summary>
/// The loop the adapter was built for, written as a user would from the README: a small CNN on image-shaped data, a batch
/// that grows, square-root scaling, micro-batches past a limit, a plateau reaction on the validation loss, validation every
/// half epoch, and a checkpoint in the middle of the run. Everything between the markers is user code: 37 lines.
/// </summary>
public sealed class EndToEndLoopTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("batchlr-loop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (Tensor Images, Tensor Labels) Data(int count, int seed)
    {
        // Ten classes, each a bright 4x4 square at its own place on a noisy 12x12 image: learnable in a few hundred steps.
        var generator = new Generator((ulong)seed);
        Tensor labels = randint(0, 10, [count], generator: generator);
        Tensor images = randn([count, 1, 12, 12], generator: generator) * 0.3;
        long[] classes = labels.data<long>().ToArray();
        for (int i = 0; i < count; i++)
        {
            long row = classes[i] / 5 * 6, column = classes[i] % 5 * 2;
            images[i, 0, TensorIndex.Slice(row, row + 4), TensorIndex.Slice(column, column + 4)].add_(2.0);
        }

        return (images, labels);
    }

    private static (float[] Weights, List<double> Validation, TrainingPlanner Planner) Train(string folder, int stopAfter, bool resume)
    {
        (Tensor images, Tensor labels) = Data(600, 1);
        (Tensor validationImages, Tensor validationLabels) = Data(200, 2);
        // ---- user code starts ----
        manual_seed(3);
        var model = nn.Sequential(
            ("conv", nn.Conv2d(1, 8, 3, padding: 1)), ("relu", nn.ReLU()), ("pool", nn.MaxPool2d(2)),
            ("flat", nn.Flatten()), ("out", nn.Linear(8 * 6 * 6, 10)));
        var optimizer = optim.SGD(model.parameters(), 0.05, momentum: 0.9);
        using var loader = PlannedLoader.FromTensors([images, labels], new PlannedLoaderOptions { Seed = 11 });
        TrainingPlannerOptions options = ScheduleSpec.Parse("""
            {
              "lr": 0.05,
              "clock": "samples",
              "schedule": { "type": "cosine", "num_warmup_steps": "0.05dur", "num_training_steps": "1dur" },
              "on_plateau": { "factor": 0.5, "patience": 1 },
              "batch": { "type": "steps", "milestones": ["1ep"], "sizes": [16, 48], "clock": "epochs" },
              "scaling": { "type": "sqrt", "reference_batch_size": 16 },
              "max_micro_batch_size": 24,
              "duration": "2ep",
              "evaluation_interval": "0.5ep",
              "epoch_boundary": "keep"
            }
            """).BuildPlannerOptions(loader.Count);
        TrainingPlanner planner = resume
            ? new TrainingPlanner(options, TrainingCheckpoint.Load(folder, model, optimizer, loader).Planner)
            : new TrainingPlanner(options);
        var validation = new List<double>();
        while (!planner.IsComplete && planner.Progress.Step < stopAfter)
        {
            StepReport step = planner.Step(optimizer, loader, batch => nn.functional.cross_entropy(model.forward(batch[0]), batch[1]));
            if (step.Plan.IsEvaluationPoint)
            {
                using var noGrad = no_grad();
                double loss = nn.functional.cross_entropy(model.forward(validationImages), validationLabels).item<float>();
                planner.Report(loss);
                validation.Add(loss);
            }
        }

        TrainingCheckpoint.Save(folder, model, optimizer, planner, loader);
        // ---- user code ends ----
        float[] weights = model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        return (weights, validation, planner);
    }

    [Fact]
    public void Loop_FromTheReadme_TrainsTwoEpochsExactly_ValidatesEveryHalf_AndResumesToTheSameWeights()
    {
        (float[] straight, List<double> validation, TrainingPlanner planner) = Train(Path.Combine(_folder, "straight"), int.MaxValue, resume: false);

        planner.IsComplete.Should().BeTrue();
        planner.Progress.Samples.Should().Be(1200, "two epochs of 600, the last batch of each epoch cut to what remains");
        validation.Should().HaveCount(4, "every half epoch: 300, 600, 900 and 1200 samples");
        validation[^1].Should().BeLessThan(validation[0] * 0.5, "the model learns the squares");

        string split = Path.Combine(_folder, "split");
        Train(split, stopAfter: 30, resume: false);
        (float[] resumed, _, TrainingPlanner after) = Train(split, int.MaxValue, resume: true);

        after.Progress.Should().Be(planner.Progress);
        resumed.Should().Equal(straight);
    }
}
