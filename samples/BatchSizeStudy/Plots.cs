using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace BatchSizeStudy;

/// <summary>The study's plots as PNG files: test accuracy against training time and against optimizer steps, and throughput against batch size.</summary>
internal static class Plots
{
    /// <summary>Writes the three plots into <paramref name="folder"/> and returns their file names.</summary>
    public static IReadOnlyList<string> Write(StudyResults results, string folder)
    {
        // The curves worth comparing: the best fixed batch of each rate rule that reached the lowest target, and every dynamic run.
        var shown = new List<RunResult>();
        if (results.BestBaseline is { } baseline)
        {
            shown.Add(baseline);
        }

        if (StudyResults.Fastest(results.Fixed.Where(r => !r.Recipe.ConstantRate), results.Settings.Targets[0]) is { } scheduled)
        {
            shown.Add(scheduled);
        }

        shown.AddRange(results.Dynamic.Where(r => !r.Diverged));
        string prefix = "batch-size-study-";
        Curves(shown, r => r.Evaluations.Select(e => e.Seconds), "training time (s)", Path.Combine(folder, prefix + "accuracy-time.png"));
        Curves(shown, r => r.Evaluations.Select(e => Math.Log10(e.Steps)), "optimizer steps (log10)", Path.Combine(folder, prefix + "accuracy-steps.png"));
        Throughput(results, Path.Combine(folder, prefix + "throughput.png"));
        return [prefix + "accuracy-time.png", prefix + "accuracy-steps.png", prefix + "throughput.png"];
    }

    private static void Curves(IEnumerable<RunResult> runs, Func<RunResult, IEnumerable<double>> x, string label, string path)
    {
        var plot = new ScottPlot.Plot();
        foreach (RunResult run in runs)
        {
            var line = plot.Add.Scatter(x(run).ToArray(), run.Evaluations.Select(e => e.Accuracy).ToArray());
            line.LegendText = run.Recipe.Name;
            line.MarkerSize = 4;
        }

        plot.Axes.SetLimitsY(0.80, 0.94);
        plot.XLabel(label);
        plot.YLabel("test accuracy");
        plot.ShowLegend(ScottPlot.Edge.Right);
        plot.SavePng(path, 1200, 600);
    }

    private static void Throughput(StudyResults results, string path)
    {
        var plot = new ScottPlot.Plot();
        IReadOnlyList<RunResult> constant = results.ConstantRuns;
        var line = plot.Add.Scatter(constant.Select(r => Math.Log2(r.Recipe.BatchSize)).ToArray(), constant.Select(r => r.SamplesPerSecond).ToArray());
        line.LegendText = "fixed batch, constant rate";
        plot.XLabel("batch size (log2)");
        plot.YLabel("training samples per second");
        plot.Axes.SetLimitsY(0, constant.Count == 0 ? 1 : constant.Max(r => r.SamplesPerSecond) * 1.1);
        plot.SavePng(path, 800, 500);
    }
}
