using System;
using System.IO;
using ScottPlot;
using ScottPlot.Plottables;

namespace BatchLr.Cli.Plotting;

/// <summary>Draws plot data with ScottPlot and saves it as PNG or SVG.</summary>
internal static class ChartRenderer
{
    /// <summary>Gets the file extensions a plot can be saved with.</summary>
    public static readonly string[] Extensions = [".png", ".svg"];

    /// <summary>Draws the curves against the left axis (rates, momentum) or the right one (sample counts) and saves the picture.</summary>
    /// <param name="data">The points.</param>
    /// <param name="path">The file: PNG when it ends with <c>.png</c> in any case, otherwise SVG; the caller checks it is one of <see cref="Extensions"/>.</param>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(PlotData data, string path, int width, int height)
    {
        using var plot = new Plot();
        bool counts = false;
        bool momentum = false;
        foreach (PlotSeries series in data.Series)
        {
            Scatter line = plot.Add.ScatterLine(data.X, series.Values);
            line.LegendText = series.Name;
            line.LineWidth = 2;

            // Each value holds from its step to the next: a staircase, which a smooth schedule's many steps hide.
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            if (series.IsSampleCount)
            {
                line.Axes.YAxis = plot.Axes.Right;
                line.LinePattern = series.Name == "batch" ? LinePattern.Solid : LinePattern.Dotted;
                counts = true;
            }
            else if (series.Name.StartsWith("momentum", StringComparison.Ordinal))
            {
                line.LinePattern = LinePattern.Dashed;
                momentum = true;
            }
        }

        plot.Axes.Bottom.Label.Text = data.XLabel;
        plot.Axes.Left.Label.Text = momentum ? "learning rate, momentum" : "learning rate";
        if (counts)
        {
            plot.Axes.Right.Label.Text = "batch size (samples)";
        }

        plot.ShowLegend(Alignment.UpperRight);
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            plot.SavePng(path, width, height);
        }
        else
        {
            plot.SaveSvg(path, width, height);
        }
    }
}
