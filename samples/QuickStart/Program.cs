// QuickStart: trains a small TorchSharp model while a BatchLr schedule sets the learning rate.
// Run from the repository root: dotnet run --project samples/QuickStart
using System;
using System.Globalization;
using System.IO;
using BatchLr;
using BatchLr.Configuration;
using BatchLr.Schedules;
using BatchLr.TorchSharp.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

const int Steps = 60;
const int BatchSize = 32;

torch.random.manual_seed(7);

// Data: y = sin(3x) + noise on [-1, 1].
using var inputs = rand(1024, 1) * 2 - 1;
using var targets = sin(inputs * 3) + randn(1024, 1) * 0.05;

var model = nn.Sequential(
    ("hidden", nn.Linear(1, 32)),
    ("act", nn.Tanh()),
    ("out", nn.Linear(32, 1)));
var optimizer = optim.SGD(model.parameters(), learningRate: 0.1, momentum: 0.9);

// The schedule comes from a spec with Hugging Face's names (schedule.json, next to this file);
// pass another spec's path as the first argument to try it.
string specPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "schedule.json");
OptimizerSchedule schedule = ScheduleSpec.Parse(File.ReadAllText(specPath)).Build();

Console.WriteLine("step,lr,loss");
for (int step = 0; step < Steps; step++)
{
    var progress = TrainingProgress.AtStep(step);
    optimizer.ApplyLearningRates(schedule.LearningRates!, progress);
    double lr = schedule.GetLearningRate(0, progress);

    using var scope = NewDisposeScope();
    var index = randint(0, 1024, [BatchSize], dtype: ScalarType.Int64);
    var loss = nn.functional.mse_loss(model.forward(inputs[index]), targets[index]);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{step},{lr:G6},{loss.item<float>():F5}"));
}
