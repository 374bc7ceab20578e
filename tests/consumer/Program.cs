// The consumer test's program: a fresh console project that references BatchLr, BatchLr.TorchSharp and
// TorchSharp-cpu as packages and trains a few planned steps from a spec, the way the packages' READMEs show.
// It prints the plan it trained as the CSV `batchlr schedule` prints for the same spec, so run.sh can compare them.
using System;
using System.Globalization;
using System.IO;
using System.Reflection;
using BatchLr;
using BatchLr.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

torch.random.manual_seed(7);

// y = x · w + noise: a linear model can learn it in a few steps.
using var inputs = randn(96, 4);
using var weights = tensor(new float[] { 1.5f, -2f, 0.5f, 1f }).reshape(4, 1);
using var targets = inputs.mm(weights) + randn(96, 1) * 0.01;

var model = nn.Linear(4, 1);
var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);

using var loader = PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Seed = 7 });
var planner = new TrainingPlanner(ScheduleSpec.Parse(File.ReadAllText(args[0])).BuildPlannerOptions(loader.Count));

string version = typeof(TrainingPlanner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
Console.WriteLine("batchlr-version " + version);
Console.WriteLine("step,lr,batch,micro_batch,accumulation,samples");
double first = double.NaN, last = double.NaN;
while (!planner.IsComplete)
{
    StepReport step = planner.Step(optimizer, loader, batch => nn.functional.mse_loss(model.forward(batch[0]), batch[1]));
    StepPlan plan = step.Plan;
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{plan.Progress.Step},{plan.LearningRate:R},{plan.Batch.GlobalBatchSize},{plan.Batch.MicroBatchSize},{plan.Batch.AccumulationSteps},{plan.Progress.Samples}"));
    first = double.IsNaN(first) ? step.Loss : first;
    last = step.Loss;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loss {first:G4} -> {last:G4}"));
Console.WriteLine(last < first / 2 ? "trained" : "did not train");
