using System.Collections.Generic;
using BatchLr.Cli.Output;
using BatchLr.Cli.Tracing;
using BatchLr.Schedules;

namespace BatchLr.Cli.Plotting;

/// <summary>The points of a plot: one horizontal position per step and the curves above it, the same values <c>batchlr schedule</c> prints.</summary>
internal sealed class PlotData
{
    private PlotData(string xLabel, double[] x, IReadOnlyList<PlotSeries> series)
    {
        XLabel = xLabel;
        X = x;
        Series = series;
    }

    /// <summary>Gets the label of the horizontal axis.</summary>
    public string XLabel { get; }

    /// <summary>Gets the horizontal position of each step.</summary>
    public double[] X { get; }

    /// <summary>Gets the curves: the learning rate of each group, the momentum of each group where driven, then the batch and micro-batch sizes of a plan.</summary>
    public IReadOnlyList<PlotSeries> Series { get; }

    /// <summary>Runs a trace and collects its steps.</summary>
    /// <param name="trace">The trace; samples and epochs need one of a plan, epochs a plan that knows the dataset size.</param>
    /// <param name="axis">What the horizontal axis counts.</param>
    public static PlotData Collect(StepTrace trace, PlotAxis axis)
    {
        OptimizerSchedule schedule = trace.Schedule;
        int groups = schedule.GroupCount;
        var x = new List<double>();
        var rates = NewColumns(groups);
        var momentum = NewColumns(schedule.HasMomentum ? groups : 0);
        var batch = new List<double>();
        var micro = new List<double>();
        int s = 0;
        foreach (StepPlan plan in trace.Steps())
        {
            x.Add(axis switch
            {
                PlotAxis.Samples => plan.Progress.Samples,
                PlotAxis.Epochs => plan.Progress.Epoch,
                _ => s,
            });
            s++;
            for (int g = 0; g < groups; g++)
            {
                rates[g].Add(plan.GetLearningRate(g));
            }

            for (int g = 0; g < momentum.Length; g++)
            {
                momentum[g].Add(plan.GetMomentum(g));
            }

            batch.Add(plan.Batch.GlobalBatchSize);
            micro.Add(plan.Batch.MicroBatchSize);
        }

        var series = new List<PlotSeries>();
        AddGroups(series, "lr", rates);
        AddGroups(series, "momentum", momentum);
        if (trace.IsPlan)
        {
            series.Add(new PlotSeries("batch", [.. batch], IsSampleCount: true));
            series.Add(new PlotSeries("micro_batch", [.. micro], IsSampleCount: true));
        }

        return new PlotData(Label(axis, trace), [.. x], series);
    }

    private static List<double>[] NewColumns(int count)
    {
        var columns = new List<double>[count];
        for (int i = 0; i < count; i++)
        {
            columns[i] = [];
        }

        return columns;
    }

    private static void AddGroups(List<PlotSeries> series, string name, List<double>[] columns)
    {
        var names = new List<string>();
        Table.AddGroupColumns(names, name, columns.Length);
        for (int g = 0; g < columns.Length; g++)
        {
            series.Add(new PlotSeries(names[g], [.. columns[g]], IsSampleCount: false));
        }
    }

    private static string Label(PlotAxis axis, StepTrace trace)
    {
        if (axis == PlotAxis.Samples)
        {
            return "samples consumed";
        }

        if (axis == PlotAxis.Epochs)
        {
            return "epochs";
        }

        if (trace.IsPlan)
        {
            return "optimizer steps";
        }

        // Without a batch section a step is one unit of the spec's clock.
        OptimizerSchedule schedule = trace.Schedule;
        return schedule.Reads(ProgressClock.Samples) ? "samples (the spec's clock)"
            : schedule.Reads(ProgressClock.Tokens) ? "tokens (the spec's clock)"
            : schedule.Reads(ProgressClock.Epochs) ? "epochs (the spec's clock)"
            : "steps";
    }
}
