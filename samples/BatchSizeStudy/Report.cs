using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace BatchSizeStudy;

/// <summary>Writes <c>batch-size-study.md</c>: the machine and command, a table per group, the search, the headline and each claim judged by a stated rule.</summary>
internal static class Report
{
    public static string Write(StudyResults results, string folder, IReadOnlyList<string> plots)
    {
        StudySettings s = results.Settings;
        var md = new StringBuilder();
        md.AppendLine("# Batch-size study");
        md.AppendLine();
        md.AppendLine(F($"Written by `samples/BatchSizeStudy` (`{s.Command}`), {DateTime.UtcNow:yyyy-MM-dd}, in {results.Seconds / 60:F0} minutes of wall time, on {Environment.ProcessorCount} cores ({RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, TorchSharp's CPU LibTorch). "));
        md.AppendLine(F($"Data: {s.Dataset}{(s.Quick ? " (quick: a subset)" : string.Empty)}. Model: the QuickStart's CNN, SGD with Nesterov momentum 0.9 and weight decay 5e-4, the same initial weights and data order (seed {s.Seed}) in every run. "));
        md.AppendLine(F($"Base rate {s.BaseRate} at batch {s.ReferenceBatchSize}; scaled rates are `{s.BaseRate} · B / {s.ReferenceBatchSize}` (linear) and `{s.BaseRate} · √(B / {s.ReferenceBatchSize})` (sqrt); warmup is linear from 0 over {s.WarmupEpochs} epochs. "));
        md.AppendLine(F($"Every run gets a sample budget of {s.BudgetEpochs} epochs; the test set is evaluated every {s.EvaluationEpochs} epochs, and times and steps to an accuracy are read at the first evaluation that reaches it. "));
        md.AppendLine(ThreadClock.MeasuresCpuTime
            ? F($"Time is the CPU time of the training steps (not the evaluations) on the thread that runs them, with LibTorch set to one thread: the time each run would take on a core of its own, whatever else the machine is doing ({s.Workers} runs trained side by side). Samples per second are per core. ")
            : "Time is the wall-clock time of the training steps (not the evaluations). ");
        md.AppendLine(F($"Constant-rate fixed-batch runs may continue past the budget, up to {s.ExtendedEpochs} epochs, until they reach {s.Headline} (or stop at the budget when more than 1.5 points short): their rate does not depend on the duration, so their first {s.BudgetEpochs} epochs are those of a run that stops there. "));
        md.AppendLine("Each recipe is a BatchLr spec; the study's source (`samples/BatchSizeStudy/Recipes.cs`) has them all. Compare rows of one run; CPU caches and memory bandwidth shared with the run beside it still move times by a few percent.");
        md.AppendLine();

        md.AppendLine("## Headline");
        md.AppendLine();
        RunResult? baseline = results.BestBaseline, recipe = results.BestRecipe;
        md.AppendLine(!double.IsNaN(results.HeadlineRatio)
            ? F($"Time to {s.Headline} test accuracy: **{recipe!.Reached(s.Headline)!.Seconds:F1} s** for the best BatchLr recipe ({recipe.Recipe.Name}) against **{baseline!.Reached(s.Headline)!.Seconds:F1} s** for the best constant-rate fixed batch ({baseline.Recipe.Name}): a ratio of **{results.HeadlineRatio:F2}** (target: at most 0.7).")
            : F($"No ratio: {(baseline is null ? "no constant-rate fixed batch" : "no BatchLr recipe")} reached {s.Headline} in this run."));
        md.AppendLine();

        md.AppendLine("## Claims");
        md.AppendLine();
        foreach (string claim in Claims.Judge(results))
        {
            md.AppendLine("- " + claim);
        }

        md.AppendLine();
        md.AppendLine("## Fixed batch sizes");
        md.AppendLine();
        Table(md, results.Fixed, s);
        md.AppendLine("## Dynamic batch sizes");
        md.AppendLine();
        Table(md, results.Dynamic, s);

        md.AppendLine("## Start large and halve");
        md.AppendLine();
        md.AppendLine(F($"From batch {s.BatchSizes[^1]} down, each with the square-root-scaled rate and warmup for {s.BudgetEpochs / 3} epochs; halving stops when the test accuracy improves by less than 0.2 points (`--search` runs this alone)."));
        md.AppendLine();
        md.AppendLine("| Batch | Test accuracy | Training time (s) |");
        md.AppendLine("| ---: | ---: | ---: |");
        foreach (HalvingSearch.Trial t in results.Search)
        {
            md.AppendLine(F($"| {t.BatchSize} | {t.Accuracy:F4} | {t.Seconds:F1} |"));
        }

        md.AppendLine();
        md.AppendLine(F($"Chosen: **{results.SearchChoice}**, after {results.Search.Sum(t => t.Seconds):F0} s of training in {results.Search.Count} runs."));
        md.AppendLine();

        if (plots.Count > 0)
        {
            md.AppendLine("## Plots");
            md.AppendLine();
            foreach (string plot in plots)
            {
                md.AppendLine("![" + Path.GetFileNameWithoutExtension(plot) + "](" + plot + ")");
                md.AppendLine();
            }
        }

        string path = Path.Combine(folder, "batch-size-study.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }

    private static void Table(StringBuilder md, IReadOnlyList<RunResult> runs, StudySettings s)
    {
        md.Append("| Recipe | samples/s |");
        foreach (double target in s.Targets)
        {
            md.Append(F($" time to {target} (s) | steps to {target} |"));
        }

        md.AppendLine(F($" test acc. at {s.BudgetEpochs} ep | steps | train − test |"));
        md.AppendLine("| --- | ---: |" + string.Concat(Enumerable.Repeat(" ---: | ---: |", s.Targets.Count)) + " ---: | ---: | ---: |");
        foreach (RunResult r in runs)
        {
            md.Append(F($"| {r.Recipe.Name} | {r.SamplesPerSecond:F0} |"));
            foreach (double target in s.Targets)
            {
                md.Append(r.Reached(target) is { } e ? F($" {e.Seconds:F1} | {e.Steps} |") : " — | — |");
            }

            md.AppendLine(r.Diverged ? " diverged | | |" : F($" {r.BudgetAccuracy:F4} | {r.BudgetSteps} | {r.Gap:+0.0000;-0.0000} |"));
        }

        md.AppendLine();
    }

    internal static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
