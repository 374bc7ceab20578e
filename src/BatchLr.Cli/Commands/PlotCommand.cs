using System;
using System.CommandLine;
using System.IO;
using BatchLr.Cli.Inputs;
using BatchLr.Cli.Plotting;
using BatchLr.Cli.Tracing;

namespace BatchLr.Cli.Commands;

/// <summary>The <c>batchlr plot</c> command: draws a spec's schedule, or its training plan, to a PNG or SVG file.</summary>
internal static class PlotCommand
{
    private const string Description =
        """
        Draws what 'batchlr schedule' prints, step by step: the learning rate of each parameter
        group and the momentum where the schedule drives it, against the left axis; with a "batch"
        section, the global batch and the micro-batch size, in samples, against a right axis.
        The format follows the extension of --out: .png or .svg.
        """;

    private static readonly string[] Axes = ["steps", "samples", "epochs"];

    public static Command Create()
    {
        Option<string> spec = SharedOptions.Spec();
        Option<int?> steps = SharedOptions.Steps(
            "the number of steps drawn, 1 or more; optional for a plan whose spec has a \"duration\": it is then drawn to the step that ends training");
        Option<long?> datasetSize = SharedOptions.DatasetSize(
            "samples per epoch, 1 or more, for the epoch clock of a plan (needs a \"batch\" section; required for --x epochs)");
        Option<long?> tokensPerSample = SharedOptions.TokensPerSample();
        Option<string> x = SharedOptions.OneOf(
            "--x", "what the horizontal axis counts: steps, or, for a plan, samples consumed or epochs", Axes);
        var output = new Option<string>("--out")
        {
            Description = "the picture to write, FILE.png or FILE.svg",
            HelpName = "FILE",
            Required = true,
        };
        output.Validators.Add(result =>
        {
            string? path = result.Tokens.Count == 0 ? null : result.Tokens[0].Value;
            if (path is not null && Array.IndexOf(ChartRenderer.Extensions, Path.GetExtension(path).ToLowerInvariant()) < 0)
            {
                result.AddError("'--out' is '" + path + "'; it must end with .png or .svg, which picks the format.");
            }
        });
        Option<int> width = SharedOptions.BoundedNumber("--width", "the width in pixels, 100 to 10000", 100, 10_000, 800);
        Option<int> height = SharedOptions.BoundedNumber("--height", "the height in pixels, 100 to 10000", 100, 10_000, 500);

        var command = new Command("plot", Description) { spec, steps, datasetSize, tokensPerSample, x, output, width, height };
        command.SetAction(parse =>
        {
            ScheduleSpec parsed = InputFiles.ReadSpec(parse.GetRequiredValue(spec));
            var axis = (PlotAxis)Array.IndexOf(Axes, parse.GetValue(x));
            long? size = parse.GetValue(datasetSize);
            if (axis != PlotAxis.Steps && !parsed.HasBatch)
            {
                throw new UsageException("'--x " + Axes[(int)axis] + "' needs a training plan; the spec has no \"batch\" section, so its steps are its clock.");
            }

            if (axis == PlotAxis.Epochs && size is null)
            {
                throw new UsageException("'--x epochs' needs '--dataset-size N', the samples in one epoch.");
            }

            if (parse.GetValue(steps) == 0)
            {
                throw new UsageException("'--steps' is '0'; a plot needs 1 or more.");
            }

            var trace = StepTrace.Start(parsed, new TraceInputs(parse.GetValue(steps), [], size, parse.GetValue(tokensPerSample)));
            PlotData data = PlotData.Collect(trace, axis);
            string path = parse.GetRequiredValue(output);
            try
            {
                ChartRenderer.Save(data, path, parse.GetValue(width), parse.GetValue(height));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException("cannot write '" + path + "': " + e.Message);
            }

            return 0;
        });
        return command;
    }
}
