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
using BatchLr.Memory;
using BatchLr.TorchSharp;
using QuickStart.Data;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

Options options;
ImageSet data;
try
{
    options = Options.Parse(args);
    torch.random.manual_seed(options.Seed);
    data = Models.Load(options.Dataset, options.DataDir, options.Seed);
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException)
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
    TrainingPlannerOptions plan = ScheduleSpec.Parse(File.ReadAllText(spec)).BuildPlannerOptions(loader.Count);

    // Memory-aware micro-batches: a few trial steps on the real model find the largest micro-batch this machine's memory
    // holds, up to the spec's cap; a batch above it is split and its gradients accumulated. The model is left as it was.
    using (IDeviceMemory memory = CpuMemory.ForProcess())
    {
        MicroBatchSelection fit = MicroBatchFinder.Find(
            model,
            optimizer,
            size => nn.functional.cross_entropy(model.forward(data.TrainImages[..size]), data.TrainLabels[..size]),
            new MicroBatchSelectionOptions { MaxMicroBatchSize = plan.MaxMicroBatchSize, Memory = memory });
        plan.MaxMicroBatchSize = fit.MicroBatchSize;
    }

    var planner = new TrainingPlanner(plan);
    TrainingDuration duration = plan.Duration ?? throw new InvalidDataException(spec + " has no duration.");
    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]{data.Name}[/]: {loader.Count} training and {data.TestLabels.shape[0]} test images; spec {Path.GetFileName(spec)}; micro-batches up to {plan.MaxMicroBatchSize}");

    AnsiConsole.WriteLine("epoch   step  lr        batch  loss    test_loss  test_acc");
    var clock = Stopwatch.StartNew();
    AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new ProgressBarColumn { Width = 16 }, new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
        .Start(context =>
        {
            ProgressTask bar = context.AddTask("starting", maxValue: duration.Value);
            double loss = double.NaN;
            var window = new Throughput();
            int largest = 0; // the largest batch since the last evaluation: an epoch's last batch may be cut to what remains
            while (!planner.IsComplete)
            {
                StepReport step = planner.Step(optimizer, loader, batch => nn.functional.cross_entropy(model.forward(batch[0]), batch[1]));
                StepPlan now = step.Plan;
                loss = double.IsNaN(loss) ? step.Loss : (0.9 * loss) + (0.1 * step.Loss);
                window.Add(now.Batch.GlobalBatchSize);
                largest = Math.Max(largest, now.Batch.GlobalBatchSize);
                bar.Value = planner.Progress.On(duration.Clock);
                bar.Description = string.Create(
                    CultureInfo.InvariantCulture,
                    $"epoch {planner.Progress.Epoch:F2}  loss {loss:F3}  lr {now.LearningRate:G3}  batch {now.Batch.GlobalBatchSize} = {now.Batch.AccumulationSteps}×{now.Batch.MicroBatchSize}  {window.SamplesPerSecond:F0}/s");
                if (now.IsEvaluationPoint)
                {
                    (double testLoss, double accuracy) = Evaluate(model, data.TestImages, data.TestLabels);
                    planner.Report(testLoss); // reaches the reduce-on-plateau factor of the next plan
                    AnsiConsole.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{planner.Progress.Epoch,5:F2}  {planner.Progress.Step,5}  {now.LearningRate,-8:G3}  {largest,5}  {loss,6:F4}  {testLoss,9:F4}  {accuracy,8:F4}"));
                    largest = 0;
                }
            }
        });

    (_, double final) = Evaluate(model, data.TestImages, data.TestLabels);
    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold green]test accuracy {final:F4}[/] after {planner.Progress.Step} steps in {clock.Elapsed.TotalSeconds:F1} s");
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
        for (int i = 0; i < args.Length; i += 2)
        {
            if (args[i] is not ("--dataset" or "--data-dir" or "--spec" or "--seed") || i + 1 == args.Length)
            {
                throw new ArgumentException($"'{args[i]}' is not an option or has no value. Options: --dataset digits|fashion-mnist, --data-dir DIR, --spec FILE, --seed N.");
            }

            values[args[i]] = args[i + 1];
        }

        string dataset = values.GetValueOrDefault("--dataset", "digits");
        if (dataset is not ("digits" or "fashion-mnist"))
        {
            throw new ArgumentException("--dataset is '" + dataset + "'; it must be digits or fashion-mnist.");
        }

        return new Options(dataset, values.GetValueOrDefault("--data-dir"), values.GetValueOrDefault("--spec"), int.TryParse(values.GetValueOrDefault("--seed", "7"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed)
            ? seed
            : throw new ArgumentException("--seed is '" + values["--seed"] + "'; it must be a whole number."));
    }
}

/// <summary>Samples per second over the last second or so of steps.</summary>
internal sealed class Throughput
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Queue<(double Seconds, long Samples)> _steps = new();
    private long _samples;

    public double SamplesPerSecond { get; private set; }

    public void Add(long samples)
    {
        double now = _clock.Elapsed.TotalSeconds;
        _steps.Enqueue((now, samples));
        _samples += samples;
        while (_steps.Count > 1 && now - _steps.Peek().Seconds > 1.0)
        {
            _samples -= _steps.Dequeue().Samples;
        }

        (double first, long firstSamples) = _steps.Peek();
        SamplesPerSecond = now > first ? (_samples - firstSamples) / (now - first) : 0;
    }
}
