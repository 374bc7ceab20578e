using System;
using System.CommandLine;
using BatchLr.Cli.Inputs;

namespace BatchLr.Cli.Commands;

/// <summary>The <c>batchlr validate</c> command: checks a spec as <see cref="ScheduleSpec.Parse(string)"/> and a build do, and says whether it is valid.</summary>
internal static class ValidateCommand
{
    private const string Description =
        """
        Checks a JSON spec: every section, type, parameter and value, as a build would. Prints
        'FILE: valid' and exits with 0, or prints the error with the JSON path of the field and
        exits with 2. A position written in epochs that needs the dataset size is checked only
        with --dataset-size; without it, such a spec is reported as needing one.
        """;

    public static Command Create()
    {
        Option<string> spec = SharedOptions.Spec();
        Option<long?> datasetSize = SharedOptions.DatasetSize("samples per epoch, 1 or more, to check the values that convert epochs");

        var command = new Command("validate", Description) { spec, datasetSize };
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(spec);
            ScheduleSpec parsed = InputFiles.ReadSpec(path);

            // Parse leaves what needs the dataset size to the build: build as the other commands would, so 'valid' means they run.
            long? size = parse.GetValue(datasetSize);
            _ = parsed.Build(size);
            if (parsed.HasBatch)
            {
                TrainingPlannerOptions options = parsed.BuildPlannerOptions(size);
                try
                {
                    _ = new TrainingPlanner(options);
                }
                catch (ArgumentException e)
                {
                    // The one rule a planner adds to the spec's: what reads epochs needs the dataset size.
                    throw new UsageException("the spec's plan cannot start: " + e.Message);
                }
            }

            parse.InvocationConfiguration.Output.WriteLine(path + ": valid");
            return 0;
        });
        return command;
    }
}
