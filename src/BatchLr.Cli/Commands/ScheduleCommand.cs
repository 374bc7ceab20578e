using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BatchLr.Cli.Inputs;
using BatchLr.Cli.Output;
using BatchLr.Cli.Tracing;
using BatchLr.Schedules;

namespace BatchLr.Cli.Commands;

/// <summary>The <c>batchlr schedule</c> command: prints a spec's schedule, or its training plan, one row per step or per requested position.</summary>
internal static class ScheduleCommand
{
    private const string Description =
        """
        Prints the schedule a JSON spec describes, one row per optimizer step s = 0 .. N-1:
        step, the learning rate of each parameter group (lr, or lr_0, lr_1, ...), and the
        momentum where the schedule drives it. With a clock other than steps, s counts that clock.

        When the spec has a "batch" section, the rows are a training plan instead: each step
        consumes its planned global batch, the learning rates include the scaling rule, and
        four columns follow: batch, micro_batch, accumulation, and samples (consumed before the step).

        With --at, the rows are the schedule at the given positions instead: position, then the
        learning rates and momentum. A reduce-on-plateau schedule or "on_plateau" section is
        evaluated without reductions; a "batch" section's batch and scaling rule are left out.
        """;

    public static Command Create()
    {
        Option<string> spec = SharedOptions.Spec();
        Option<int?> steps = SharedOptions.Steps(
            "the number of rows, 0 or more; optional for a plan whose spec has a \"duration\": it is then printed to the step that ends training");
        var metrics = new Option<string?>("--metrics")
        {
            Description = "one number per line; line s is the metric reported after step s (for ReduceLROnPlateau or an on_plateau section), so it shows from row s + 1",
            HelpName = "FILE",
        };
        Option<long?> datasetSize = SharedOptions.DatasetSize(
            "samples per epoch, 1 or more, for the epoch clock of a plan (needs a \"batch\" section; required when the plan reads the epoch clock); with --at, converts positions written in epochs");
        Option<long?> tokensPerSample = SharedOptions.TokensPerSample();
        Option<string> format = SharedOptions.OneOf("--format", "csv, or md for a GitHub markdown table", "csv", "md");
        var at = new Option<double[]?>("--at")
        {
            Description = "positions on the spec's clock, comma-separated, fractions allowed (0,0.5,12.25): prints the schedule there, without reductions on plateau",
            HelpName = "T,T,...",
            CustomParser = ParsePositions,
        };

        var command = new Command("schedule", Description) { spec, steps, metrics, datasetSize, tokensPerSample, format, at };
        command.SetAction(parse =>
        {
            var table = new Table(parse.InvocationConfiguration.Output, parse.GetValue(format) == "md");
            ScheduleSpec parsed = InputFiles.ReadSpec(parse.GetRequiredValue(spec));
            if (parse.GetValue(at) is { Length: > 0 } positions)
            {
                RefuseBeside("--at", parse, steps, metrics, tokensPerSample);
                PrintPositions(parsed.Build(parse.GetValue(datasetSize)), positions, table);
                return 0;
            }

            double[] reported = parse.GetValue(metrics) is { } path ? InputFiles.ReadMetrics(path) : [];
            PrintSteps(StepTrace.Start(parsed, new TraceInputs(parse.GetValue(steps), reported, parse.GetValue(datasetSize), parse.GetValue(tokensPerSample))), table);
            return 0;
        });
        return command;
    }

    private static void RefuseBeside(string name, ParseResult parse, params Option[] options)
    {
        foreach (Option option in options)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw new UsageException("'" + option.Name + "' cannot be given with '" + name + "', which evaluates the schedule at positions without running it.");
            }
        }
    }

    private static double[]? ParsePositions(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        string text = result.Tokens[0].Value;
        string[] items = text.Split(',');
        var positions = new double[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            string item = items[i].Trim();
            if (!double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out positions[i]) || !double.IsFinite(positions[i]) || positions[i] < 0)
            {
                result.AddError("'--at' is '" + text + "'; each position must be a finite number 0 or more, the positions separated by commas, and '" + item + "' is not.");
                return null;
            }
        }

        return positions;
    }

    private static void PrintPositions(OptimizerSchedule schedule, double[] positions, Table table)
    {
        int groups = schedule.GroupCount;
        var columns = new List<string> { "position" };
        Table.AddGroupColumns(columns, "lr", groups);
        if (schedule.HasMomentum)
        {
            Table.AddGroupColumns(columns, "momentum", groups);
        }

        table.WriteHeader(columns);
        var cells = new List<string>(columns.Count);
        foreach (double position in positions)
        {
            cells.Clear();
            cells.Add(Table.Format(position));
            for (int g = 0; g < groups; g++)
            {
                cells.Add(Table.Format(schedule.GetLearningRateAt(g, position)));
            }

            if (schedule.HasMomentum)
            {
                for (int g = 0; g < groups; g++)
                {
                    cells.Add(Table.Format(schedule.GetMomentumAt(g, position)));
                }
            }

            table.WriteRow(cells);
        }
    }

    private static void PrintSteps(StepTrace trace, Table table)
    {
        int groups = trace.Schedule.GroupCount;
        bool momentum = trace.Schedule.HasMomentum;
        var columns = new List<string> { "step" };
        Table.AddGroupColumns(columns, "lr", groups);
        if (momentum)
        {
            Table.AddGroupColumns(columns, "momentum", groups);
        }

        if (trace.IsPlan)
        {
            columns.AddRange(["batch", "micro_batch", "accumulation", "samples"]);
        }

        table.WriteHeader(columns);
        var cells = new List<string>(columns.Count);
        int s = 0;
        foreach (StepPlan plan in trace.Steps())
        {
            // Row s holds the values in effect for optimizer step s (in a plan, before the step consumes its batch).
            cells.Clear();
            cells.Add(Table.Format(s++));
            for (int g = 0; g < groups; g++)
            {
                cells.Add(Table.Format(plan.GetLearningRate(g)));
            }

            if (momentum)
            {
                for (int g = 0; g < groups; g++)
                {
                    cells.Add(Table.Format(plan.GetMomentum(g)));
                }
            }

            if (trace.IsPlan)
            {
                BatchPlan batch = plan.Batch;
                cells.Add(Table.Format(batch.GlobalBatchSize));
                cells.Add(Table.Format(batch.MicroBatchSize));
                cells.Add(Table.Format(batch.AccumulationSteps));
                cells.Add(Table.Format(plan.Progress.Samples));
            }

            table.WriteRow(cells);
        }
    }
}
