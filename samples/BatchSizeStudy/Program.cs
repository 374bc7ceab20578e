// BatchSizeStudy: measures the common advice about batch size and learning rate on Fashion-MNIST with the QuickStart's CNN:
// fixed batches 16 … 1024 with constant, linearly and square-root scaled rates (with and without warmup), the dynamic
// strategies practitioners describe, and the start-large-and-halve search; writes docs/batch-size-study.md and its plots.
// Run from the repository root (about an hour on 2 cores; --quick: a subset, under a minute):
//   dotnet run -c Release --project samples/BatchSizeStudy [-- --quick] [--dataset digits] [--search] [--seed N] [--out DIR]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using BatchSizeStudy;
using QuickStart.Data;
using Spectre.Console;
using TorchSharp;

StudySettings settings;
ImageSet full;
try
{
    settings = StudySettings.Parse(args);
    full = Models.Load(settings.Dataset, settings.DataDir, settings.Seed);
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine("batch-size-study: " + e.Message);
    return 1;
}

using (full)
{
    (int train, int test) = settings.Subset;
    ImageSet data = train >= full.TrainLabels.shape[0] && test >= full.TestLabels.shape[0]
        ? full
        : new ImageSet(full.TrainImages[..train], full.TrainLabels[..train], full.TestImages[..test], full.TestLabels[..test], full.Name);
    // One thread per run, timed by that thread's CPU clock (ThreadClock), so runs side by side and other load on a shared
    // machine do not change the times.
    torch.set_num_threads(1);
    var trainer = new Trainer(data, settings);
    var clock = Stopwatch.StartNew();
    AnsiConsole.MarkupLine(Report.F($"[bold]{data.Name}[/]: {data.TrainLabels.shape[0]} training and {data.TestLabels.shape[0]} test images; budget {settings.BudgetEpochs} epochs; {(settings.SearchOnly ? "the halving search" : "the whole study")}"));

    AnsiConsole.WriteLine(Report.F($"acc@{settings.BudgetEpochs}ep  to {settings.Targets[1]}  samples/s  recipe"));
    List<Recipe> grid = settings.SearchOnly ? [] : [.. Recipes.Fixed(settings), .. Recipes.Dynamic(settings)];
    var results = new RunResult[grid.Count];
    IReadOnlyList<HalvingSearch.Trial> trials = [];
    int chosen = 0;
    var console = new object(); // Spectre's live display is not thread-safe: one thread at a time adds tasks and writes lines
    AnsiConsole.Progress()
        .AutoClear(true)
        .Columns(new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
        .Start(context =>
        {
            // A short run first, not reported: the first steps of a process pay for loading LibTorch and compiling code.
            trainer.Run(Recipes.SearchStep(settings, settings.ReferenceBatchSize, settings.EvaluationEpochs));

            int done = 0;
            Parallel.For(0, grid.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Workers }, i =>
            {
                ProgressTask task;
                lock (console)
                {
                    task = context.AddTask(Markup.Escape(grid[i].Name), maxValue: settings.ExtendedEpochs);
                }

                results[i] = trainer.Run(grid[i], (epoch, batch) => task.Value = epoch);
                lock (console)
                {
                    task.StopTask();
                    task.IsIndeterminate = false;
                    AnsiConsole.WriteLine(Report.F($"{++done,2}/{grid.Count} ") + Line(results[i], settings));
                }
            });

            ProgressTask search = context.AddTask("search", maxValue: settings.BudgetEpochs / 3);
            (trials, chosen) = HalvingSearch.Run(trainer, settings, recipe =>
            {
                search.Value = 0;
                search.Description = Markup.Escape("search: " + recipe.Name);
            });
        });

    foreach (HalvingSearch.Trial t in trials)
    {
        AnsiConsole.WriteLine(Report.F($"search: batch {t.BatchSize,5}  test accuracy {t.Accuracy:F4}  {t.Seconds:F1} s"));
    }

    AnsiConsole.MarkupLine(Report.F($"search chose batch [bold]{chosen}[/]"));
    if (!settings.SearchOnly)
    {
        var study = new StudyResults(settings, results.Where(r => r.Recipe.Group == RecipeGroup.Fixed).ToList(), results.Where(r => r.Recipe.Group == RecipeGroup.Dynamic).ToList(), trials, chosen, clock.Elapsed.TotalSeconds);
        Directory.CreateDirectory(settings.Output);
        IReadOnlyList<string> plots = Plots.Write(study, settings.Output);
        string path = Report.Write(study, settings.Output, plots);
        AnsiConsole.MarkupLine(Report.F($"headline: time to {settings.Headline} of the best BatchLr recipe / the best constant-rate fixed batch = [bold]{study.HeadlineRatio:F2}[/]"));
        AnsiConsole.WriteLine("report written to " + Path.GetFullPath(path));
    }

    if (!ReferenceEquals(data, full))
    {
        data.Dispose();
    }
}

return 0;

static string Line(RunResult r, StudySettings s) => string.Create(
    CultureInfo.InvariantCulture,
    $"{(r.Diverged ? "diverged" : r.BudgetAccuracyOrLast.ToString("F4", CultureInfo.InvariantCulture)),8}  {(r.Reached(s.Targets[1]) is { } e ? e.Seconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "—"),7}  {r.SamplesPerSecond,6:F0}/s  {r.Recipe.Name}");
