// QuickStart: trains a small CNN on real images while BatchLr plans every step from a JSON spec: the learning rate, the
// batch size, how the batch is split into micro-batches that fit, when to evaluate, and when to stop.
// Run from the repository root:
//   dotnet run --project samples/QuickStart                              the embedded UCI digits (nothing to install)
//   dotnet run --project samples/QuickStart -- --dataset fashion-mnist   Fashion-MNIST (apt-get install dataset-fashion-mnist)
// Options: --spec FILE, --data-dir DIR (Fashion-MNIST's IDX files), --seed N.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using BatchLr;
using BatchLr.TorchSharp;
using QuickStart.Data;
using TorchSharp;
using static TorchSharp.torch;

var options = Options.Parse(args);
torch.random.manual_seed(options.Seed);
ImageSet data;
try
{
    data = Models.Load(options.Dataset, options.DataDir, options.Seed);
}
catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine("quickstart: " + e.Message);
    return 1;
}

using (data)
{
    nn.Module<Tensor, Tensor> model = Models.For(data);
    var optimizer = optim.SGD(model.parameters(), learningRate: 0.05, momentum: 0.9, nesterov: true, weight_decay: 5e-4);

    // The plan comes from a spec; the loader feeds each step the batch the plan asks for, every image once per epoch.
    string spec = options.Spec ?? Path.Combine(AppContext.BaseDirectory, data.Name == "digits" ? "schedule.json" : "fashion-mnist.json");
    using var loader = PlannedLoader.FromTensors([data.TrainImages, data.TrainLabels], new PlannedLoaderOptions { Seed = options.Seed });
    var planner = new TrainingPlanner(ScheduleSpec.Parse(File.ReadAllText(spec)).BuildPlannerOptions(loader.Count));

    Console.WriteLine($"{data.Name}: {loader.Count} training and {data.TestLabels.shape[0]} test images; spec {Path.GetFileName(spec)}");
    Console.WriteLine("epoch  step  lr        batch  micro  loss    test_loss  test_acc  samples/s");
    var clock = Stopwatch.StartNew();
    double loss = 0;
    long samplesSince = 0;
    int batch = 0, micro = 0; // the largest of the epoch: its last batch may be cut to what remains
    var since = Stopwatch.StartNew();
    while (!planner.IsComplete)
    {
        StepReport step = planner.Step(optimizer, loader, batch => nn.functional.cross_entropy(model.forward(batch[0]), batch[1]));
        StepPlan plan = step.Plan;
        loss = (0.9 * loss) + (0.1 * step.Loss);
        samplesSince += plan.Batch.GlobalBatchSize;
        (batch, micro) = (Math.Max(batch, plan.Batch.GlobalBatchSize), Math.Max(micro, plan.Batch.MicroBatchSize));
        if (plan.IsEvaluationPoint)
        {
            (double testLoss, double accuracy) = Evaluate(model, data.TestImages, data.TestLabels);
            planner.Report(testLoss); // reaches the reduce-on-plateau factor of the next plan
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{planner.Progress.Epoch,5:F2}  {planner.Progress.Step,4}  {plan.LearningRate,-8:G3}  {batch,5}  {micro,5}  {loss,6:F4}  {testLoss,9:F4}  {accuracy,8:F4}  {samplesSince / since.Elapsed.TotalSeconds,9:F0}"));
            (samplesSince, batch, micro) = (0, 0, 0);
            since.Restart();
        }
    }

    (_, double final) = Evaluate(model, data.TestImages, data.TestLabels);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {final:F4} after {planner.Progress.Step} steps in {clock.Elapsed.TotalSeconds:F1} s"));
}

return 0;

static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels)
{
    using var noGrad = no_grad();
    using var scope = NewDisposeScope();
    model.eval();
    Tensor logits = model.forward(images);
    double loss = nn.functional.cross_entropy(logits, labels).ToDouble();
    double accuracy = logits.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().ToDouble();
    model.train();
    return (loss, accuracy);
}

/// <summary>The sample's command line.</summary>
internal sealed record Options(string Dataset, string? DataDir, string? Spec, int Seed)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }

        string dataset = values.GetValueOrDefault("--dataset", "digits");
        if (dataset is not ("digits" or "fashion-mnist"))
        {
            throw new ArgumentException("--dataset is '" + dataset + "'; it must be digits or fashion-mnist.");
        }

        return new Options(dataset, values.GetValueOrDefault("--data-dir"), values.GetValueOrDefault("--spec"), int.Parse(values.GetValueOrDefault("--seed", "7"), CultureInfo.InvariantCulture));
    }
}
