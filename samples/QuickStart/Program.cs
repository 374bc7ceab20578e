// QuickStart: trains a small TorchSharp model while a BatchLr schedule sets the learning rate.
// Run from the repository root: dotnet run --project samples/QuickStart
using System;
using System.Globalization;
using BatchLr;
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

// Ten steps of linear warmup, then cosine annealing to 1e-3 over the rest of training.
LearningRateSchedule schedule = Schedule.CosineAnnealing(0.1, 1e-3, Steps - 10).WithWarmup(10);

Console.WriteLine("step,lr,loss");
for (int step = 0; step < Steps; step++)
{
    double lr = optimizer.ApplyLearningRate(schedule, TrainingProgress.AtStep(step));

    using var scope = NewDisposeScope();
    var index = randint(0, 1024, [BatchSize], dtype: ScalarType.Int64);
    var loss = nn.functional.mse_loss(model.forward(inputs[index]), targets[index]);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{step},{lr:G6},{loss.item<float>():F5}"));
}
