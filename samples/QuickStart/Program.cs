// QuickStart: trains a small TorchSharp model while BatchLr plans every step from a JSON spec:
// the learning rate, the batch size, how the batch is split into micro-batches that fit, when to
// validate, and when training ends.
// Run from the repository root: dotnet run --project samples/QuickStart [-- path/to/spec.json]
using System;
using System.Globalization;
using System.IO;
using BatchLr;
using BatchLr.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

const int DatasetSize = 1024;

torch.random.manual_seed(7);

// Data: y = sin(3x) + noise on [-1, 1], and a held-out set to validate on.
using var inputs = rand(DatasetSize, 1) * 2 - 1;
using var targets = sin(inputs * 3) + randn(DatasetSize, 1) * 0.05;
using var validationInputs = rand(256, 1) * 2 - 1;
using var validationTargets = sin(validationInputs * 3);

var model = nn.Sequential(("hidden", nn.Linear(1, 32)), ("act", nn.Tanh()), ("out", nn.Linear(32, 1)));
var optimizer = optim.SGD(model.parameters(), learningRate: 0.1, momentum: 0.9);

// The plan comes from a spec (schedule.json, next to this file); pass another spec's path to try it.
string specPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "schedule.json");
var planner = new TrainingPlanner(ScheduleSpec.Parse(File.ReadAllText(specPath)).BuildPlannerOptions(DatasetSize));

Console.WriteLine("step,lr,batch,micro_batches,epoch,loss,validation_loss");
while (!planner.IsComplete)
{
    StepPlan plan = planner.Plan();
    optimizer.Apply(plan);
    optimizer.zero_grad();

    // Accumulate the step's micro-batches; weighting each mean loss by its share keeps the gradient a mean over the batch.
    double loss = 0;
    for (int i = 0; i < plan.Batch.AccumulationSteps; i++)
    {
        using var scope = NewDisposeScope();
        var index = randint(0, DatasetSize, [plan.Batch.GetMicroBatchSize(i)], dtype: ScalarType.Int64);
        var microLoss = nn.functional.mse_loss(model.forward(inputs[index]), targets[index]) * plan.Batch.GetLossWeight(i);
        microLoss.backward();
        loss += microLoss.item<float>();
    }

    optimizer.step();
    planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Loss = loss });

    // The plan says when to validate; the reported loss reaches the reduce-on-plateau factor of the next plan.
    string validation = string.Empty;
    if (plan.IsEvaluationPoint)
    {
        using var noGrad = no_grad();
        double validationLoss = nn.functional.mse_loss(model.forward(validationInputs), validationTargets).item<float>();
        planner.Report(validationLoss);
        validation = validationLoss.ToString("F5", CultureInfo.InvariantCulture);
    }

    // A plan is a snapshot: reading it after Complete and Report gives the values the step ran with.
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{plan.Progress.Step},{plan.LearningRate:G6},{plan.Batch.GlobalBatchSize},{plan.Batch.AccumulationSteps},{plan.Progress.Epoch:F3},{loss:F5},{validation}"));
}
