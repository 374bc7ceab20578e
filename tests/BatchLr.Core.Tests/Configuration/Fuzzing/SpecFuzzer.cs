using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using BatchLr.Batching;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Configuration.Fuzzing;

/// <summary>What became of one fuzz case.</summary>
internal enum SpecFuzzVerdict
{
    /// <summary>Parsed and built; every probed rate was finite and not negative, every batch allowed.</summary>
    Accepted,

    /// <summary>Refused with a <see cref="ScheduleSpecException"/> that names a JSON path.</summary>
    Refused,

    /// <summary>Broke the contract: another exception, a path-less refusal, a bad value, or no answer in time.</summary>
    Failed,
}

/// <summary>The verdict of a case, with what went wrong when it failed.</summary>
internal readonly record struct SpecFuzzOutcome(SpecFuzzVerdict Verdict, string Detail);

/// <summary>Runs fuzz cases against the contract of <see cref="ScheduleSpec"/>.</summary>
/// <remarks>
/// A document must either parse, build and yield finite learning rates of zero or more (and allowed batch sizes) at every probed
/// position, or fail with a <see cref="ScheduleSpecException"/> whose <see cref="ScheduleSpecException.Path"/> is a JSON path. The
/// probes: 0, small positions, every number the document holds and its neighbours (horizons, milestones, periods), and far
/// positions up to 1e18 steps, on the schedule's clock and through <see cref="TrainingProgress"/>; then a planner plans a few
/// steps from the start and from a state far into training. Each case runs on a worker with a time limit, so a case that never
/// returns fails instead of hanging the run.
/// </remarks>
internal static class SpecFuzzer
{
    /// <summary>The end of the detail of a case that did not return in time.</summary>
    public const string Hang = "evaluation hangs";

    /// <summary>The dataset size the harness plans with when the case gives none, since a planner that reads epochs needs one.</summary>
    private const long HarnessDatasetSize = 60_000;

    private static readonly double[] FarPositions = [0, 1e-3, 0.5, 1, 2, 3, 7, 10, 99.5, 1000, 12345.678, 1e5, 1e6, 1e9, 1e12, 1e15, 1e18];

    /// <summary>Runs one case on a worker and waits at most <paramref name="timeout"/> for it.</summary>
    public static SpecFuzzOutcome Run(SpecFuzzCase fuzzCase, TimeSpan timeout)
    {
        var work = Task.Run(() => Check(fuzzCase));
        return work.Wait(timeout)
            ? work.Result
            : new SpecFuzzOutcome(SpecFuzzVerdict.Failed, string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds} s: {Hang}"));
    }

    /// <summary>Checks one case on the calling thread.</summary>
    public static SpecFuzzOutcome Check(SpecFuzzCase fuzzCase)
    {
        string stage = "Parse";
        try
        {
            ScheduleSpec spec = ScheduleSpec.Parse(fuzzCase.Json);
            stage = "Parse(ToJson())";
            if (!ScheduleSpec.Parse(spec.ToJson()).Equals(spec))
            {
                return Fail("the canonical form does not read back to an equal spec:" + Environment.NewLine + spec.ToJson());
            }

            stage = "Build";
            OptimizerSchedule schedule = spec.Build(fuzzCase.DatasetSize);
            string? bad = Probe(schedule, fuzzCase.Json);
            if (bad is not null)
            {
                return Fail(bad);
            }

            stage = "BuildPlannerOptions";
            TrainingPlannerOptions options = spec.HasBatch
                ? spec.BuildPlannerOptions(fuzzCase.DatasetSize)
                : new TrainingPlannerOptions { Schedule = schedule, BatchSize = BatchSizePolicy.Fixed(32), DatasetSize = fuzzCase.DatasetSize };
            bad = Probe(options.BatchSize!, fuzzCase.Json);
            if (bad is not null)
            {
                return Fail(bad);
            }

            // A planner needs the dataset size when anything reads epochs; the harness gives one where the case gives none.
            stage = "TrainingPlanner";
            long plannedDataset = fuzzCase.DatasetSize ?? HarnessDatasetSize;
            options = spec.HasBatch
                ? spec.BuildPlannerOptions(plannedDataset)
                : new TrainingPlannerOptions { Schedule = spec.Build(plannedDataset), BatchSize = BatchSizePolicy.Fixed(32), DatasetSize = plannedDataset };
            bad = Plan(options, spec, plannedDataset);
            return bad is null ? new SpecFuzzOutcome(SpecFuzzVerdict.Accepted, string.Empty) : Fail(bad);
        }
        catch (ScheduleSpecException e) when (e.Path.StartsWith('$') && e.Message.Contains(e.Path, StringComparison.Ordinal))
        {
            return new SpecFuzzOutcome(SpecFuzzVerdict.Refused, e.Path);
        }
        catch (InvalidOperationException e) when (stage == "TrainingPlanner" && e.Message.Contains("EpochBoundary.Drop", StringComparison.Ordinal))
        {
            // Documented: with drop, a batch that grows past the dataset is refused at the step where it does.
            return new SpecFuzzOutcome(SpecFuzzVerdict.Accepted, e.Message);
        }
        catch (Exception e)
        {
            return Fail(stage + " threw " + e);
        }
    }

    private static SpecFuzzOutcome Fail(string detail) => new(SpecFuzzVerdict.Failed, detail);

    /// <summary>Returns the probe positions: fixed ones, and every number of the document with its neighbours.</summary>
    private static double[] Positions(string json)
    {
        var positions = new SortedSet<double>(FarPositions);
        foreach (double number in Numbers(json).Take(24))
        {
            foreach (double near in (double[])[number - 1, number - 1e-9, number, number + 1e-9, number + 1, 2 * number])
            {
                if (near >= 0 && near <= 1e300)
                {
                    positions.Add(near);
                }
            }
        }

        return [.. positions];
    }

    private static IEnumerable<double> Numbers(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException)
        {
            yield break;
        }

        using (document)
        {
            var stack = new Stack<JsonElement>();
            stack.Push(document.RootElement);
            var found = new List<double>();
            while (stack.Count > 0)
            {
                JsonElement element = stack.Pop();
                switch (element.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (JsonProperty property in element.EnumerateObject())
                        {
                            stack.Push(property.Value);
                        }

                        break;
                    case JsonValueKind.Array:
                        foreach (JsonElement item in element.EnumerateArray())
                        {
                            stack.Push(item);
                        }

                        break;
                    case JsonValueKind.Number when element.TryGetDouble(out double value) && double.IsFinite(value):
                        found.Add(value);
                        break;
                    default:
                        break;
                }
            }

            foreach (double value in found)
            {
                yield return value;
            }
        }
    }

    private static string? Probe(OptimizerSchedule schedule, string json)
    {
        foreach (double position in Positions(json))
        {
            var progress = new TrainingProgress((long)position, (long)Math.Min(position * 32, 9e18), (long)Math.Min(position * 4096, 9e18), position / 1000);
            for (int g = 0; g < schedule.GroupCount; g++)
            {
                foreach ((string what, double value) in (ReadOnlySpan<(string, double)>)[
                    ("learning rate at position", schedule.GetLearningRateAt(g, position)),
                    ("learning rate at progress", schedule.GetLearningRate(g, progress))])
                {
                    if (!double.IsFinite(value) || value < 0)
                    {
                        return Describe(what, g, position, value);
                    }
                }

                if (schedule.HasMomentum)
                {
                    double momentum = schedule.GetMomentumAt(g, position);
                    if (!double.IsFinite(momentum) || momentum < 0)
                    {
                        return Describe("momentum", g, position, momentum);
                    }
                }
            }
        }

        return null;
    }

    private static string? Probe(IBatchSizePolicy policy, string json)
    {
        foreach (double position in Positions(json))
        {
            var progress = new TrainingProgress((long)position, (long)Math.Min(position * 32, 9e18), (long)Math.Min(position * 4096, 9e18), position / 1000);
            int size = policy.GetBatchSize(progress);
            if (!policy.Constraints.Allows(size))
            {
                return string.Create(CultureInfo.InvariantCulture, $"batch size {size} at {progress} is not allowed by the policy's constraints");
            }
        }

        return null;
    }

    /// <summary>Plans a few steps from the start, then a few from a state far into training.</summary>
    private static string? Plan(TrainingPlannerOptions options, ScheduleSpec spec, long? datasetSize)
    {
        var planner = new TrainingPlanner(options);
        string? bad = Steps(planner, 4);
        if (bad is not null)
        {
            return bad;
        }

        TrainingPlannerState state = planner.State;
        foreach (long far in (long[])[1_000_000, 1_000_000_000_000])
        {
            TrainingPlannerOptions fresh = spec.HasBatch
                ? spec.BuildPlannerOptions(datasetSize)
                : new TrainingPlannerOptions { Schedule = options.Schedule, BatchSize = options.BatchSize, DatasetSize = options.DatasetSize };
            var resumed = new TrainingPlanner(fresh, state with { Step = far, Samples = far * 64, SchedulePosition = far });
            bad = Steps(resumed, 2);
            if (bad is not null)
            {
                return "resumed at step " + far.ToString(CultureInfo.InvariantCulture) + ": " + bad;
            }
        }

        return null;
    }

    private static string? Steps(TrainingPlanner planner, int count)
    {
        for (int k = 0; k < count && !planner.IsComplete; k++)
        {
            StepPlan plan = planner.Plan();
            for (int g = 0; g < plan.GroupCount; g++)
            {
                double rate = plan.GetLearningRate(g);
                if (!double.IsFinite(rate) || rate < 0)
                {
                    return Describe("planned learning rate", g, plan.Progress.Step, rate);
                }
            }

            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Loss = 1.0 + (k % 2), Seconds = 0.01 * (k + 1) });
            planner.Report(2.0 - (k % 3));
        }

        return null;
    }

    private static string Describe(string what, int group, double position, double value) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} {position:R}, group {group}: {value:R}");
}

/// <summary>Counts what a fuzz run found, and keeps the first failures to print.</summary>
internal sealed class SpecFuzzReport
{
    private readonly List<(SpecFuzzCase Case, string Detail)> _failures = [];
    private readonly Dictionary<string, int> _refusedAt = new(StringComparer.Ordinal);

    public int Cases { get; private set; }

    public int Accepted { get; private set; }

    public int Refused { get; private set; }

    public int Failed { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public IReadOnlyList<(SpecFuzzCase Case, string Detail)> Failures => _failures;

    /// <summary>Gets how many refusals named each field, by its last path segment without indices (such as <c>gamma</c>).</summary>
    public IReadOnlyDictionary<string, int> RefusedAt => _refusedAt;

    /// <summary>Gets a value indicating whether the run stopped at a case that never returned, whose worker still spins.</summary>
    public bool StoppedAtHang { get; private set; }

    /// <summary>Runs <paramref name="count"/> cases drawn from consecutive seeds starting at <paramref name="firstSeed"/>, stopping at the first that hangs.</summary>
    public static SpecFuzzReport Run(int firstSeed, int count, TimeSpan timeout, int keep = 10)
    {
        var report = new SpecFuzzReport();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            SpecFuzzCase fuzzCase = SpecFuzzCase.FromSeed(unchecked(firstSeed + i));
            SpecFuzzOutcome outcome = SpecFuzzer.Run(fuzzCase, timeout);
            report.Cases++;
            switch (outcome.Verdict)
            {
                case SpecFuzzVerdict.Accepted:
                    report.Accepted++;
                    break;
                case SpecFuzzVerdict.Refused:
                    report.Refused++;
                    string field = outcome.Detail[(outcome.Detail.LastIndexOf('.') + 1)..].Split('[')[0];
                    report._refusedAt[field] = report._refusedAt.GetValueOrDefault(field) + 1;
                    break;
                default:
                    report.Failed++;
                    if (report._failures.Count < keep)
                    {
                        report._failures.Add((fuzzCase, outcome.Detail));
                    }

                    break;
            }

            if (outcome.Verdict == SpecFuzzVerdict.Failed && outcome.Detail.EndsWith(SpecFuzzer.Hang, StringComparison.Ordinal))
            {
                // The hung worker cannot be stopped and takes a core; the cases after it would be timed on what is left.
                report.StoppedAtHang = true;
                break;
            }
        }

        report.Elapsed = clock.Elapsed;
        return report;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Cases} cases in {Elapsed.TotalSeconds:F1} s: {Accepted} accepted, {Refused} refused with a path, {Failed} failed{(StoppedAtHang ? ", stopped at a case that hangs" : string.Empty)}");
}
