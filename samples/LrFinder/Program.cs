// LrFinder: the learning-rate range test (Smith 2015; fastai's lr_find, Lightning's LearningRateFinder) on the QuickStart's
// model and data. Writes the loss against the rate as a PNG and prints the suggestions; the model is left as it was.
// Run from the repository root: dotnet run --project samples/LrFinder [-- --dataset fashion-mnist] [--out lr-finder.png]
using System;
using System.Globalization;
using System.IO;
using System.Linq;
using BatchLr.TorchSharp;
using QuickStart.Data;
using TorchSharp;
using static TorchSharp.torch;

string dataset = args.SkipWhile(a => a != "--dataset").Skip(1).FirstOrDefault() ?? "digits";
string output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "lr-finder.png";
torch.random.manual_seed(7);
ImageSet data;
try
{
    data = Models.Load(dataset, null, 7);
}
catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine("lrfinder: " + e.Message);
    return 1;
}

using (data)
{
    nn.Module<Tensor, Tensor> model = Models.For(data);
    var optimizer = optim.SGD(model.parameters(), learningRate: 0.05, momentum: 0.9);

    // Each sweep step trains on the next 64 images of a seeded shuffle.
    using Tensor order = randperm(data.TrainLabels.shape[0], generator: new Generator(7));
    Tensor Loss(int step)
    {
        long start = (step * 64L) % (order.shape[0] - 64);
        Tensor rows = order.narrow(0, start, 64);
        return nn.functional.cross_entropy(model.forward(data.TrainImages.index_select(0, rows)), data.TrainLabels.index_select(0, rows));
    }

    LearningRateFinderResult result = LearningRateFinder.Run(model, optimizer, Loss);

    Console.WriteLine($"{data.Name}: {result.LearningRates.Count} steps, {result.StopReason}");
    foreach ((string name, LearningRateSuggestion? suggestion) in new[] { ("steepest (Lightning)", result.Steepest), ("minimum / 10 (fastai)", result.MinimumOverTen), ("valley (fastai)", result.Valley) })
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-22} {(suggestion is { } s ? s.LearningRate.ToString("G3", CultureInfo.InvariantCulture) : "none")}"));
    }

    var plot = new ScottPlot.Plot();
    double[] x = result.LearningRates.Select(Math.Log10).ToArray();
    var raw = plot.Add.Scatter(x, result.Losses.ToArray());
    raw.LegendText = "loss";
    raw.MarkerSize = 0;
    var smooth = plot.Add.Scatter(x, result.SmoothedLosses.ToArray());
    smooth.LegendText = "smoothed loss";
    smooth.MarkerSize = 0;
    smooth.LineWidth = 2;
    if (result.Valley is { } valley)
    {
        plot.Add.VerticalLine(Math.Log10(valley.LearningRate)).LegendText = "valley";
    }

    // The diverging tail would flatten the rest: show the loss from its best to a little above where it started.
    plot.Axes.SetLimitsY(0, result.SmoothedLosses[0] * 1.5);
    plot.XLabel("learning rate (log10)");
    plot.YLabel("loss");
    plot.Title("Learning-rate range test, " + data.Name);
    plot.ShowLegend();
    plot.SavePng(output, 800, 500);
    Console.WriteLine("curve written to " + Path.GetFullPath(output));
}

return 0;
