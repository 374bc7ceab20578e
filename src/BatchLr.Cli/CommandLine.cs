using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using BatchLr.Batching;
using BatchLr.Configuration;
using BatchLr.Schedules;

namespace BatchLr.Cli;

/// <summary>Parses and runs the batchlr command line.</summary>
internal static class CommandLine
{
    public const int Success = 0;
    public const int Failure = 2;

    public const string Usage =
        """
        usage: batchlr schedule --spec FILE [--steps N] [--metrics FILE] [--dataset-size N] [--tokens-per-sample N] [--format csv|md]

        Prints the schedule a JSON spec describes, one row per optimizer step s = 0 .. N-1:
        step, the learning rate of each parameter group (lr, or lr_0, lr_1, ...), and the
        momentum where the schedule drives it. With a clock other than steps, s counts that clock.

        When the spec has a "batch" section, the rows are a training plan instead: each step
        consumes its planned global batch, the learning rates include the scaling rule, and
        four columns follow: batch, micro_batch, accumulation, and samples (consumed before the step).

          --spec FILE        the JSON spec, e.g. {"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 30}}
          --steps N          the number of rows, 0 or more; optional for a plan whose spec has a
                             "duration": it is then printed to the step that ends training
          --metrics FILE     one number per line; line s is the metric reported after step s
                             (for ReduceLROnPlateau or an on_plateau section), so it shows from row s + 1
          --dataset-size N   samples per epoch, 1 or more, for the epoch clock of a plan
                             (needs a "batch" section; required when the plan reads the epoch clock)
          --tokens-per-sample N
                             tokens in one sample, 1 or more, for the tokens clock of a plan
                             (needs a "batch" section; without it tokens stay at 0)
          --format FORMAT    csv (the default) or md, a GitHub markdown table
          --help             print this help
        """;

    private static readonly string[] Formats = ["csv", "md"];

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (WantsHelp(args))
        {
            output.WriteLine(Usage);
            return Success;
        }

        try
        {
            Options options = Parse(args);
            ScheduleSpec spec = ScheduleSpec.Parse(ReadFile(options.SpecPath, "spec"));
            if (options.DatasetSize is not null && !spec.HasBatch)
            {
                throw new UsageException("'--dataset-size' sets the epoch clock of a training plan; the spec has no \"batch\" section.");
            }

            if (options.TokensPerSample is not null && !spec.HasBatch)
            {
                throw new UsageException("'--tokens-per-sample' sets the tokens clock of a training plan; the spec has no \"batch\" section.");
            }

            double[] metrics = options.MetricsPath is null ? [] : ReadMetrics(options.MetricsPath);
            if (spec.HasBatch)
            {
                TrainingPlannerOptions plannerOptions = spec.BuildPlannerOptions(options.DatasetSize);
                if (options.Steps is null && plannerOptions.Duration is null)
                {
                    throw new UsageException("missing option '--steps N'; it may be left out only when the spec has a \"duration\" to print the plan to.");
                }

                PrintPlan(new TrainingPlanner(plannerOptions), options.Steps ?? int.MaxValue, metrics, options.TokensPerSample ?? 0, options.Format == "md", output);
            }
            else
            {
                Print(spec.Build(), options.Steps ?? throw new UsageException("missing option '--steps N'."), metrics, options.Format == "md", output);
            }

            return Success;
        }
        catch (UsageException e)
        {
            error.WriteLine("batchlr: " + e.Message);
            error.WriteLine("Run 'batchlr --help' for usage.");
            return Failure;
        }
        catch (ScheduleSpecException e)
        {
            error.WriteLine("batchlr: invalid spec at " + e.Path + ": " + StripParameter(e.Message));
            return Failure;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException)
        {
            // A plan that cannot go on (a count overflowing, a curve without a value): report it, never crash.
            error.WriteLine("batchlr: the plan cannot continue: " + e.Message);
            return Failure;
        }
    }

    /// <summary>Help is asked for by a first argument of help, -h or --help, or by -h or --help where an option may stand (not as an option's value).</summary>
    private static bool WantsHelp(string[] args)
    {
        if (args.Length > 0 && args[0] is "help" or "-h" or "--help")
        {
            return true;
        }

        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] is "-h" or "--help")
            {
                return true;
            }

            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                i++; // every other option takes a value
            }
        }

        return false;
    }

    private static Options Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new UsageException("missing command; the command is 'schedule'.");
        }

        if (args[0] != "schedule")
        {
            throw new UsageException("unknown command '" + args[0] + "'; the command is 'schedule'.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i++)
        {
            string name = args[i];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name is not ("--spec" or "--steps" or "--metrics" or "--dataset-size" or "--tokens-per-sample" or "--format"))
            {
                throw new UsageException("unknown option '" + name + "'.");
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    throw new UsageException("option '" + name + "' needs a value.");
                }

                value = args[++i];
            }

            if (!values.TryAdd(name, value))
            {
                throw new UsageException("option '" + name + "' is given twice.");
            }
        }

        if (!values.TryGetValue("--spec", out string? spec))
        {
            throw new UsageException("missing option '--spec FILE'.");
        }

        int? steps = null;
        if (values.TryGetValue("--steps", out string? stepsText))
        {
            if (!int.TryParse(stepsText, NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            {
                throw new UsageException("'--steps' is '" + stepsText + "'; it must be a whole number 0 or more.");
            }

            steps = count;
        }

        string format = values.GetValueOrDefault("--format", "csv");
        if (Array.IndexOf(Formats, format) < 0)
        {
            throw new UsageException("'--format' is '" + format + "'; it must be csv or md.");
        }

        long? datasetSize = null;
        if (values.TryGetValue("--dataset-size", out string? sizeText))
        {
            if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out long size) || size < 1)
            {
                throw new UsageException("'--dataset-size' is '" + sizeText + "'; it must be a whole number 1 or more.");
            }

            datasetSize = size;
        }

        long? tokensPerSample = null;
        if (values.TryGetValue("--tokens-per-sample", out string? tokensText))
        {
            if (!long.TryParse(tokensText, NumberStyles.None, CultureInfo.InvariantCulture, out long tokens) || tokens < 1)
            {
                throw new UsageException("'--tokens-per-sample' is '" + tokensText + "'; it must be a whole number 1 or more.");
            }

            tokensPerSample = tokens;
        }

        return new Options(spec, steps, values.GetValueOrDefault("--metrics"), datasetSize, tokensPerSample, format);
    }

    private static string ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException("cannot read the " + what + " file '" + path + "': " + e.Message);
        }
    }

    private static double[] ReadMetrics(string path)
    {
        string[] lines = ReadFile(path, "metrics").Split('\n');
        int count = lines.Length;
        while (count > 0 && lines[count - 1].Trim().Length == 0)
        {
            count--;
        }

        var metrics = new double[count];
        for (int i = 0; i < count; i++)
        {
            string line = lines[i].Trim();
            if (!double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"metrics file '{path}', line {i + 1}: '{line}' is not a finite number."));
            }

            metrics[i] = value;
        }

        return metrics;
    }

    private static void Print(OptimizerSchedule schedule, int steps, double[] metrics, bool markdown, TextWriter output)
    {
        int groups = schedule.GroupCount;
        var columns = new List<string> { "step" };
        AddColumns(columns, "lr", groups);
        if (schedule.HasMomentum)
        {
            AddColumns(columns, "momentum", groups);
        }

        WriteRow(output, columns, markdown);
        if (markdown)
        {
            WriteRow(output, columns.ConvertAll(_ => "---:"), markdown);
        }

        // Row s holds the values in effect for optimizer step s; with a clock other than steps, s counts that clock:
        // a planner whose steps take one sample, one token and a one-sample epoch moves every clock in step.
        var planner = new TrainingPlanner(new TrainingPlannerOptions { Schedule = schedule, BatchSize = BatchSizePolicy.Fixed(1), DatasetSize = 1 });
        var cells = new List<string>(columns.Count);
        for (int s = 0; s < steps; s++)
        {
            StepPlan plan = planner.Plan();
            cells.Clear();
            cells.Add(s.ToString(CultureInfo.InvariantCulture));
            for (int g = 0; g < groups; g++)
            {
                cells.Add(Format(plan.GetLearningRate(g)));
            }

            if (schedule.HasMomentum)
            {
                for (int g = 0; g < groups; g++)
                {
                    cells.Add(Format(plan.GetMomentum(g)));
                }
            }

            WriteRow(output, cells, markdown);
            planner.Complete(new StepOutcome(1) { Tokens = 1 });
            if (s < metrics.Length)
            {
                planner.Report(metrics[s]);
            }
        }
    }

    private static void PrintPlan(TrainingPlanner planner, int steps, double[] metrics, long tokensPerSample, bool markdown, TextWriter output)
    {
        // With a duration, the plan is printed to its end: the last row is the step that completes training.
        StepPlan first = planner.Plan();
        int groups = first.GroupCount;
        bool momentum = first.HasMomentum;
        var columns = new List<string> { "step" };
        AddColumns(columns, "lr", groups);
        if (momentum)
        {
            AddColumns(columns, "momentum", groups);
        }

        columns.AddRange(["batch", "micro_batch", "accumulation", "samples"]);
        WriteRow(output, columns, markdown);
        if (markdown)
        {
            WriteRow(output, columns.ConvertAll(_ => "---:"), markdown);
        }

        var cells = new List<string>(columns.Count);
        for (int s = 0; s < steps && !planner.IsComplete; s++)
        {
            // Row s is the plan of optimizer step s; the step then consumes its whole global batch.
            StepPlan plan = planner.Plan();
            cells.Clear();
            cells.Add(s.ToString(CultureInfo.InvariantCulture));
            for (int g = 0; g < groups; g++)
            {
                cells.Add(Format(plan.GetLearningRate(g)));
            }

            if (momentum)
            {
                for (int g = 0; g < groups; g++)
                {
                    cells.Add(Format(plan.GetMomentum(g)));
                }
            }

            BatchPlan batch = plan.Batch;
            cells.Add(batch.GlobalBatchSize.ToString(CultureInfo.InvariantCulture));
            cells.Add(batch.MicroBatchSize.ToString(CultureInfo.InvariantCulture));
            cells.Add(batch.AccumulationSteps.ToString(CultureInfo.InvariantCulture));
            cells.Add(plan.Progress.Samples.ToString(CultureInfo.InvariantCulture));
            WriteRow(output, cells, markdown);
            planner.Complete(new StepOutcome(batch.GlobalBatchSize)
            {
                Tokens = checked(batch.GlobalBatchSize * tokensPerSample),
            });
            if (s < metrics.Length)
            {
                planner.Report(metrics[s]);
            }
        }
    }

    private static void AddColumns(List<string> columns, string name, int groups)
    {
        if (groups == 1)
        {
            columns.Add(name);
            return;
        }

        for (int g = 0; g < groups; g++)
        {
            columns.Add(string.Create(CultureInfo.InvariantCulture, $"{name}_{g}"));
        }
    }

    private static void WriteRow(TextWriter output, List<string> cells, bool markdown)
    {
        var line = new StringBuilder();
        if (markdown)
        {
            line.Append("| ").AppendJoin(" | ", cells).Append(" |");
        }
        else
        {
            line.AppendJoin(',', cells);
        }

        output.WriteLine(line.ToString());
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string StripParameter(string message)
    {
        int suffix = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return suffix < 0 ? message : message[..suffix];
    }

    private sealed record Options(string SpecPath, int? Steps, string? MetricsPath, long? DatasetSize, long? TokensPerSample, string Format);

    private sealed class UsageException(string message) : Exception(message);
}
