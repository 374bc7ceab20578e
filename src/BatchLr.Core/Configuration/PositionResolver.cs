using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace BatchLr.Configuration;

/// <summary>Converts the positions a spec writes with units (<c>"2ep"</c>, <c>"0.1dur"</c>) to numbers on the clock each is read on.</summary>
/// <remarks>
/// A value in the unit of its clock is kept as is; <c>dur</c> is the fraction times the top-level duration, then converted;
/// epochs and samples convert through the dataset size, steps and samples through the batch size of a fixed batch section,
/// and tokens never convert, since a spec does not know the tokens of a sample. A value of a whole-number parameter is
/// rounded to the nearest whole number (a half rounds up). Every refusal names the value's JSON path.
/// </remarks>
internal sealed class PositionResolver
{
    private readonly ProgressClock _clock;
    private readonly TrainingDuration? _duration;
    private readonly int? _batchSize;
    private readonly string _noBatchSize;
    private readonly long? _datasetSize;
    private readonly bool _deferDatasetSize;
    private bool _deferred;

    /// <summary>Initializes a resolver.</summary>
    /// <param name="clock">The spec's clock, on which a position of a schedule is read.</param>
    /// <param name="duration">The top-level duration, which <c>dur</c> is a fraction of; <see langword="null"/> when the spec has none.</param>
    /// <param name="batchSize">The batch size of a fixed batch section, or <see langword="null"/> when the batch varies or there is no batch section.</param>
    /// <param name="noBatchSize">Why there is no fixed batch size, said when a conversion needs one.</param>
    /// <param name="datasetSize">The samples in one epoch, or <see langword="null"/> when not known.</param>
    /// <param name="deferDatasetSize">Whether a value that needs the unknown dataset size is left unconverted (to be checked when a build knows it) instead of refused.</param>
    public PositionResolver(ProgressClock clock, TrainingDuration? duration, int? batchSize, string noBatchSize, long? datasetSize, bool deferDatasetSize)
    {
        _clock = clock;
        _duration = duration;
        _batchSize = batchSize;
        _noBatchSize = noBatchSize;
        _datasetSize = datasetSize;
        _deferDatasetSize = deferDatasetSize;
    }

    /// <summary>Returns a copy of a node with every position converted.</summary>
    /// <exception cref="ScheduleSpecException">A position cannot be converted.</exception>
    // Stryker disable once String : Resolve is called only on resolvers that do not defer the dataset size, whose TryResolve never returns false; no spec reaches this message
    public SpecNode Resolve(SpecNode node) =>
        TryResolve(node, out SpecNode resolved) ? resolved : throw new InvalidOperationException("A resolver that defers the dataset size cannot resolve every node.");

    /// <summary>Converts every position of a node that can be converted, and checks the rest as far as they can be checked without the dataset size.</summary>
    /// <param name="node">The node, as read.</param>
    /// <param name="resolved">The copy, with the positions that wait for the dataset size left as read.</param>
    /// <returns><see langword="false"/> when a position waits for the dataset size, which only a resolver that defers it leaves.</returns>
    /// <exception cref="ScheduleSpecException">A position cannot be converted, whatever the dataset size.</exception>
    public bool TryResolve(SpecNode node, out SpecNode resolved)
    {
        _deferred = false;
        resolved = Walk(node);
        return !_deferred;
    }

    private static string ClockName(ProgressClock clock) => clock.ToString().ToLowerInvariant();

    private static ProgressClock ClockOf(string unit) => unit switch
    {
        "ba" => ProgressClock.Steps,
        "sp" => ProgressClock.Samples,
        "tok" => ProgressClock.Tokens,
        _ => ProgressClock.Epochs,
    };

    /// <summary>The clock of an object with its own <c>"clock"</c> parameter, such as a batch policy; <see langword="null"/> for one without.</summary>
    private static ProgressClock? ClockOfNode(SpecNode node)
    {
        foreach (SpecParameter parameter in node.Parameters)
        {
            if (parameter.Name == "clock" && parameter.Kind == SpecParameterKind.Choice)
            {
                return node.Text("clock") switch
                {
                    "samples" => ProgressClock.Samples,
                    "tokens" => ProgressClock.Tokens,
                    "epochs" => ProgressClock.Epochs,
                    _ => ProgressClock.Steps,
                };
            }
        }

        return null;
    }

    private static ScheduleSpecException Refuse(string path, SpecPosition position, string detail) =>
        SpecErrors.Refused(path, SpecReader.Quote(position.ToString()), detail);

    private SpecNode Walk(SpecNode node)
    {
        KeyValuePair<string, object?>[]? copy = null;
        for (int i = 0; i < node.Values.Count; i++)
        {
            (string name, object? value) = node.Values[i];
            string path = node.Path + "." + name;
            object? resolved = value switch
            {
                SpecPosition position => Convert(position, node, node.Parameters[i], path),
                SpecNode child => Walk(child),
                SpecNode[] children => Array.ConvertAll(children, Walk),
                object?[] items => ConvertAll(items, node, node.Parameters[i], path),
                _ => value,
            };
            if (!ReferenceEquals(resolved, value))
            {
                copy ??= [.. node.Values];
                copy[i] = new KeyValuePair<string, object?>(name, resolved);
            }
        }

        return copy is null ? node : node.WithValues(copy);
    }

    private object ConvertAll(object?[] items, SpecNode node, SpecParameter parameter, string path)
    {
        var converted = new object[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            converted[i] = items[i] is SpecPosition position ? Convert(position, node, parameter, SpecReader.Index(path, i)) : items[i]!;
        }

        return converted.All(v => v is double) ? Array.ConvertAll(converted, v => (double)v) : converted;
    }

    /// <summary>Returns the position as a number on its clock, or the position itself when it waits for the dataset size.</summary>
    private object Convert(SpecPosition position, SpecNode node, SpecParameter parameter, string path)
    {
        ProgressClock target = parameter.PositionClock ?? ClockOfNode(node) ?? _clock;
        double value = position.Value;
        ProgressClock from;
        string fromName;
        if (position.Unit == SpecPosition.Duration)
        {
            if (_duration is not { } duration)
            {
                throw SpecErrors.Invalid(path, SpecReader.Quote(position.ToString()), "given with a top-level \"duration\", since a fraction of the duration needs one");
            }

            value *= duration.Value;
            from = duration.Clock;
            fromName = ClockName(from) + " (the duration's unit)";
        }
        else
        {
            from = ClockOf(position.Unit);
            fromName = ClockName(from);
        }

        if (from != target)
        {
            string conversion = "converting " + fromName + " to " + ClockName(target);
            if (from == ProgressClock.Tokens || target == ProgressClock.Tokens)
            {
                throw Refuse(path, position, conversion + " needs the tokens of each sample, which a spec does not know: write it in " + TrainingDuration.Unit(target) + ", or put it on the tokens clock");
            }

            bool needsBatch = from == ProgressClock.Steps || target == ProgressClock.Steps;
            bool needsDataset = from == ProgressClock.Epochs || target == ProgressClock.Epochs;
            string needs = needsBatch && needsDataset ? "a fixed batch size and the dataset size" : needsBatch ? "a fixed batch size" : "the dataset size";
            if (needsBatch && _batchSize is null)
            {
                throw Refuse(path, position, conversion + " needs " + needs + ": " + _noBatchSize + "; write it in " + TrainingDuration.Unit(target) + " instead");
            }

            if (needsDataset && _datasetSize is null)
            {
                if (_deferDatasetSize)
                {
                    _deferred = true;
                    return position;
                }

                throw Refuse(path, position, conversion + " needs " + needs + ": pass the dataset size to Build(datasetSize) or BuildPlannerOptions(datasetSize)");
            }

            value = value * SamplesPer(from) / SamplesPer(target);
        }

        if (parameter.Kind == SpecParameterKind.Integer)
        {
            value = Math.Round(value, MidpointRounding.AwayFromZero); // halves round up, as a fraction of the duration does
            if (!(value <= int.MaxValue))
            {
                throw Refuse(path, position, string.Create(CultureInfo.InvariantCulture, $"once converted to {ClockName(target)} it must be a whole number of at most {int.MaxValue}"));
            }
        }
        else if (!double.IsFinite(value))
        {
            throw Refuse(path, position, "once converted to " + ClockName(target) + " it must be a finite number");
        }

        return value;
    }

    /// <summary>The samples in one unit of a clock: the batch size for a step, the dataset size for an epoch.</summary>
    private double SamplesPer(ProgressClock clock) => clock switch
    {
        ProgressClock.Steps => _batchSize!.Value,
        ProgressClock.Epochs => _datasetSize!.Value,
        _ => 1.0,
    };
}
