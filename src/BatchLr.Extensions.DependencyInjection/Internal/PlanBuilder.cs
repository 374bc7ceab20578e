using System;
using System.Collections.Generic;
using System.IO;

namespace BatchLr.Internal;

/// <summary>Reads a plan's spec and builds its planner options, naming configuration paths in errors where the spec came from configuration.</summary>
internal static class PlanBuilder
{
    /// <summary>Returns every broken rule of a plan, each a sentence that names the plan; empty when the plan is valid.</summary>
    /// <param name="name">The plan's name.</param>
    /// <param name="plan">The plan's options.</param>
    public static List<string> Check(string name, BatchLrPlanOptions plan)
    {
        var failures = new List<string>();
        string who = Describe(name);
        var sources = new List<string>(3);
        if (plan.Spec is not null)
        {
            sources.Add(nameof(BatchLrPlanOptions.Spec));
        }

        if (plan.SpecFile is not null)
        {
            sources.Add(nameof(BatchLrPlanOptions.SpecFile));
        }

        if (plan.PlannerOptions is not null)
        {
            sources.Add(nameof(BatchLrPlanOptions.PlannerOptions));
        }

        if (sources.Count == 0)
        {
            failures.Add(plan.ConfigurationPath is { } section
                ? $"{who}: the configuration section '{section}' is missing or empty; it must hold the spec's keys (lr, schedule, batch, ...)."
                : $"{who} has no source; set one of BatchLrPlanOptions.Spec, SpecFile or PlannerOptions.");
        }
        else if (sources.Count > 1)
        {
            failures.Add($"{who} has {string.Join(" and ", sources)}; set only one of them.");
        }

        if (plan.PlannerOptions is null && (plan.Spec is not null || plan.SpecFile is not null))
        {
            try
            {
                ScheduleSpec spec = Read(name, plan);
                if (!spec.HasBatch && plan.Configure is null)
                {
                    failures.Add($"{who}: {Where(plan)} has no \"batch\" section, so it does not describe a training plan; add one, or set BatchLrPlanOptions.Configure to set TrainingPlannerOptions.BatchSize.");
                }
            }
            catch (ScheduleSpecException e)
            {
                failures.Add(StripParameter(e.Message, e.Path));
            }
            catch (IOException e)
            {
                failures.Add(e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                failures.Add(e.Message);
            }
        }

        return failures;
    }

    /// <summary>Builds new planner options for a run.</summary>
    public static TrainingPlannerOptions Build(string name, BatchLrPlanOptions plan, long? datasetSize)
    {
        TrainingPlannerOptions options;
        if (plan.PlannerOptions is { } create)
        {
            options = create(datasetSize) ?? throw new InvalidOperationException($"{Describe(name)}: BatchLrPlanOptions.PlannerOptions returned null; it must return new planner options.");
            options.DatasetSize ??= datasetSize;
        }
        else
        {
            ScheduleSpec spec = Read(name, plan);
            try
            {
                options = spec.HasBatch
                    ? spec.BuildPlannerOptions(datasetSize)
                    : new TrainingPlannerOptions { Schedule = spec.Build(datasetSize), DatasetSize = datasetSize };
            }
            catch (ScheduleSpecException e)
            {
                throw Translate(name, plan, e);
            }
        }

        plan.Configure?.Invoke(options);
        return options;
    }

    /// <summary>Reads and parses the plan's spec.</summary>
    /// <exception cref="ScheduleSpecException">The spec breaks a rule; the message names the plan and the path of the value.</exception>
    /// <exception cref="IOException">The spec file cannot be read; the message names the plan and the file.</exception>
    private static ScheduleSpec Read(string name, BatchLrPlanOptions plan)
    {
        string text;
        if (plan.Spec is { } spec)
        {
            text = spec;
        }
        else
        {
            try
            {
                text = File.ReadAllText(plan.SpecFile!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new IOException($"{Describe(name)}: the spec file '{plan.SpecFile}' cannot be read: {e.Message}", e);
            }
        }

        try
        {
            return ScheduleSpec.Parse(text);
        }
        catch (ScheduleSpecException e)
        {
            throw Translate(name, plan, e);
        }
    }

    /// <summary>Puts the plan's name (and file) in front of a spec error, with configuration paths where the spec came from configuration.</summary>
    private static ScheduleSpecException Translate(string name, BatchLrPlanOptions plan, ScheduleSpecException e)
    {
        string message = StripParameter(e.Message, e.Path);
        if (plan.ConfigurationPath is { } section)
        {
            message = ConfigurationSpec.RewritePaths(section, message, e.Path);
        }

        string where = plan.Spec is null && plan.SpecFile is { } file ? $" (spec file '{file}')" : string.Empty;
        return new ScheduleSpecException($"{Describe(name)}{where}: {message}", e.Path, e);
    }

    /// <summary>Removes the " (Parameter '…')" that <see cref="ArgumentException.Message"/> appends.</summary>
    private static string StripParameter(string message, string path)
    {
        string suffix = " (Parameter '" + path + "')";
        return path.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    private static string Where(BatchLrPlanOptions plan) =>
        plan.ConfigurationPath is { } section ? $"the spec in '{section}'"
        : plan.Spec is null && plan.SpecFile is { } file ? $"the spec file '{file}'"
        : "the spec";

    private static string Describe(string name) => name.Length == 0 ? "BatchLr plan (default)" : $"BatchLr plan '{name}'";
}
