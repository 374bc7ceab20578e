// QuickStart: trains a small TorchSharp model while BatchLr plans every step from a JSON spec: the learning
// rate, the batch size, how the batch is split into micro-batches that fit, when to validate, and when to stop.
// Run from the repository root: dotnet run --project samples/QuickStart [-- path/to/spec.json]
using System;
using System.Globalization;
using System.IO;
using BatchLr;
using BatchLr.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

torch.random.manual_seed(7);

// Data: y = sin(3x) + noise on [-1, 1], and a held-out set to validate on.
using var inputs = rand(1024, 1) * 2 - 1;
using var targets = sin(inputs * 3) + randn(1024, 1) * 0.05;
using var validationInputs = rand(256, 1) * 2 - 1;
using var validationTargets = sin(validationInputs * 3);

var model = nn.Sequential(("hidden", nn.Linear(1, 32)), ("act", nn.Tanh()), ("out", nn.Linear(32, 1)));
var optimizer = optim.SGD(model.parameters(), learningRate: 0.1, momentum: 0.9);

// The plan comes from a spec (schedule.json, next to this file); the loader feeds each step the batch the plan asks for.
string specPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "schedule.json");
using var loader = PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Seed = 7 });
var planner = new TrainingPlanner(ScheduleSpec.Parse(File.ReadAllText(specPath)).BuildPlannerOptions(loader.Count));

Console.WriteLine("step,lr,batch,micro_batches,epoch,loss,validation_loss");
while (!planner.IsComplete)
{
    // One planned step: rates set, micro-batches weighted and accumulated, optimizer stepped, outcome reported.
    StepReport step = planner.Step(optimizer, loader, batch => nn.functional.mse_loss(model.forward(batch[0]), batch[1]));
    StepPlan plan = step.Plan;

    // The plan says when to validate; the reported loss reaches the reduce-on-plateau factor of the next plan.
    string validation = string.Empty;
    if (plan.IsEvaluationPoint)
    {
        using var noGrad = no_grad();
        double validationLoss = nn.functional.mse_loss(model.forward(validationInputs), validationTargets).item<float>();
        planner.Report(validationLoss);
        validation = validationLoss.ToString("F5", CultureInfo.InvariantCulture);
    }

    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{plan.Progress.Step},{plan.LearningRate:G6},{plan.Batch.GlobalBatchSize},{plan.Batch.AccumulationSteps},{plan.Progress.Epoch:F3},{step.Loss:F5},{validation}"));
}

// Everything a resumed run needs: the model, the optimizer, the planner and the loader's order.
TrainingCheckpoint.Save(Path.Combine(Path.GetTempPath(), "batchlr-quickstart"), model, optimizer, planner, loader);
