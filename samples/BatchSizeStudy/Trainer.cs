using System;
using System.Collections.Generic;
using BatchLr;
using BatchLr.TorchSharp;
using QuickStart.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace BatchSizeStudy;

/// <summary>Trains the QuickStart's CNN by one recipe through the planned loader and the planned step, evaluating on the test set as the spec says.</summary>
internal sealed class Trainer(ImageSet data, StudySettings settings)
{
    private const int EvaluationChunk = 1000;
    private static readonly object Initialisation = new();

    /// <summary>Runs <paramref name="recipe"/> from the same initial weights and data order as every other run.</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="progress">Called after every step with the epoch reached and the step's batch.</param>
    /// <remarks>
    /// A constant-rate fixed-batch run may go on past the sample budget, up to <see cref="StudySettings.ExtendedEpochs"/>, to
    /// reach the headline accuracy: its rate does not depend on the duration, so its first epochs are those of a run that
    /// stops at the budget. It stops once it reaches that accuracy, or at the budget when it is more than 1.5 points short.
    /// </remarks>
    public RunResult Run(Recipe recipe, Action<double, int>? progress = null)
    {
        // The same initial weights for every run: runs on other threads draw from the one default generator too.
        nn.Module<Tensor, Tensor> model;
        lock (Initialisation)
        {
            random.manual_seed(settings.Seed);
            model = Models.For(data);
        }

        var optimizer = optim.SGD(model.parameters(), learningRate: settings.BaseRate, momentum: 0.9, nesterov: true, weight_decay: 5e-4);
        using var loader = PlannedLoader.FromTensors([data.TrainImages, data.TrainLabels], new PlannedLoaderOptions { Seed = settings.Seed });
        var planner = new TrainingPlanner(ScheduleSpec.Parse(recipe.Spec).BuildPlannerOptions(loader.Count));

        var evaluations = new List<Evaluation>();
        var training = new ThreadClock();
        double budgetAccuracy = double.NaN, budgetTrain = double.NaN;
        long budgetSteps = 0, samples = 0;
        bool diverged = false;
        while (!planner.IsComplete)
        {
            training.Start();
            StepReport step = planner.Step(optimizer, loader, batch => nn.functional.cross_entropy(model.forward(batch[0]), batch[1]));
            training.Stop();
            samples += step.Plan.Batch.GlobalBatchSize;
            progress?.Invoke(planner.Progress.Epoch, step.Plan.Batch.GlobalBatchSize);
            if (!double.IsFinite(step.Loss))
            {
                diverged = true;
                break;
            }

            if (!step.Plan.IsEvaluationPoint)
            {
                continue;
            }

            double accuracy = Accuracy(model, data.TestImages, data.TestLabels);
            TrainingProgress at = planner.Progress;
            evaluations.Add(new Evaluation(training.Seconds, at.Step, at.Samples, at.Epoch, step.Plan.Batch.GlobalBatchSize, accuracy));
            if (recipe.ReportsAccuracy)
            {
                planner.Report(accuracy);
            }

            if (double.IsNaN(budgetAccuracy) && at.Epoch >= settings.BudgetEpochs - 1e-9)
            {
                (budgetAccuracy, budgetSteps) = (accuracy, at.Step);
                budgetTrain = Accuracy(model, data.TrainImages[..(int)data.TestLabels.shape[0]], data.TrainLabels[..(int)data.TestLabels.shape[0]]);
                if (accuracy < settings.Headline - 0.015)
                {
                    break;
                }
            }

            if (!double.IsNaN(budgetAccuracy) && accuracy >= settings.Headline)
            {
                break;
            }
        }

        optimizer.Dispose();
        model.Dispose();
        double seconds = training.Seconds;
        return new RunResult(recipe, evaluations, seconds > 0 ? samples / seconds : 0, budgetAccuracy, budgetTrain, budgetSteps, diverged);
    }

    /// <summary>The share of <paramref name="images"/> the model classifies right, evaluated in chunks of 1,000.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels)
    {
        using var noGrad = no_grad();
        model.eval();
        long right = 0, count = labels.shape[0];
        for (long start = 0; start < count; start += EvaluationChunk)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(EvaluationChunk, count - start);
            right += model.forward(images.narrow(0, start, length)).argmax(1).eq(labels.narrow(0, start, length)).sum().ToInt64();
        }

        model.train();
        return (double)right / count;
    }
}
