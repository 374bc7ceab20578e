using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using BatchLr.Batching;
using BatchLr.Configuration;
using BatchLr.Internal;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr;

/// <summary>Represents a learning-rate schedule described in JSON with PyTorch's, Hugging Face's or timm's names.</summary>
/// <remarks>
/// <para>
/// A spec reads <c>{"lr": 0.1, "schedule": {"type": "StepLR", "step_size": 30}}</c>. <c>lr</c> is the base learning
/// rate, or an array with one base rate per parameter group; <c>schedule</c> names a type
/// (<c>StepLR</c>, <c>OneCycleLR</c>, <c>cosine</c>, <c>warmup_stable_decay</c>, …) and its parameters, with the
/// names and defaults of the library the type comes from; an optional <c>"clock"</c> (<c>steps</c>, the default,
/// <c>samples</c>, <c>tokens</c> or <c>epochs</c>) places the schedules on that clock. The types, their parameters
/// and the formula each follows are listed in <c>docs/spec.md</c>. An optional <c>on_plateau</c> section puts a
/// reduce-on-plateau factor on top of a closed-form schedule.
/// </para>
/// <para>
/// An optional <c>batch</c> section (a batch-size policy: <c>fixed</c>, <c>linear_ramp</c>, <c>geometric</c>, …, with
/// the constraint parameters every policy takes and an optional <c>on_plateau</c> factor), <c>scaling</c> section
/// (<c>none</c>, <c>linear</c>, <c>sqrt</c> or <c>adascale</c> with a <c>reference_batch_size</c>),
/// <c>max_micro_batch_size</c>, <c>epoch_boundary</c> (<c>continue</c>, <c>keep</c> or <c>drop</c>), <c>duration</c> and <c>evaluation_interval</c> (numbers on the spec's clock, or strings
/// with a unit: <c>"2ep"</c>, <c>"1000ba"</c>, <c>"5e4sp"</c>, <c>"1e6tok"</c>, <c>"0.1dur"</c>) configure a
/// <see cref="TrainingPlanner"/> through <see cref="BuildPlannerOptions(long?)"/>. All but <c>batch</c> need a <c>batch</c> section.
/// </para>
/// <para>
/// Every parameter that is a position or a length on a clock (<c>step_size</c>, <c>milestones</c>, <c>T_max</c>,
/// <c>num_training_steps</c>, a batch policy's <c>interval</c>, …; <c>docs/spec.md</c> lists them) takes a number on the
/// clock it is read on (the spec's <c>"clock"</c>, or the batch policy's own <c>"clock"</c>), or a string with a unit as
/// Composer writes time: <c>"5ep"</c>, <c>"1000ba"</c> (steps), <c>"50000sp"</c>, <c>"1e6tok"</c>, or <c>"0.1dur"</c>, a
/// fraction of the top-level <c>"duration"</c>, which must then be given. A build converts it exactly: in the clock's own
/// unit as is; <c>dur</c> as the fraction times the duration, then converted; epochs and samples through the dataset size;
/// steps and samples (or epochs) through the batch size, only when the batch section is <c>{"type": "fixed"}</c> without an
/// <c>on_plateau</c>. Tokens never convert. A whole-number parameter is rounded to the nearest whole number. A conversion
/// that lacks what it needs is a <see cref="ScheduleSpecException"/> at the value's path; one that needs only the dataset
/// size, which <see cref="Build(long?)"/> and <see cref="BuildPlannerOptions(long?)"/> take, passes <see cref="Parse(string)"/>,
/// which checks everything else, and is checked when built.
/// </para>
/// <para>
/// <see cref="ToJson"/> writes the canonical form, with every parameter and its default, and positions with the unit they
/// were written with, so
/// <c>Parse(spec.ToJson())</c> equals <c>spec</c> and builds identical values. Two specs are equal when their
/// canonical forms are.
/// </para>
/// <para>
/// Thread safety: a spec is immutable; any number of threads may build from one spec at once. Each
/// <see cref="Build(long?)"/> and <see cref="BuildPlannerOptions(long?)"/> returns new objects: immutable schedules, and a fresh
/// batch-size policy, so every planner gets its own adaptive state.
/// </para>
/// </remarks>
public sealed class ScheduleSpec : IEquatable<ScheduleSpec>
{
    internal const string RatesKey = "lr";
    internal const string ClockKey = "clock";
    internal const string ScheduleKey = "schedule";
    internal const string BatchKey = "batch";
    internal const string ScalingKey = "scaling";
    internal const string MicroBatchKey = "max_micro_batch_size";
    internal const string PlateauKey = SpecCatalog.PlateauKey;
    internal const string DurationKey = "duration";
    internal const string EvaluationKey = "evaluation_interval";
    internal const string BoundaryKey = "epoch_boundary";

    internal static readonly string[] Keys = [RatesKey, ClockKey, ScheduleKey, PlateauKey, BatchKey, ScalingKey, MicroBatchKey, DurationKey, EvaluationKey, BoundaryKey];

    internal static readonly string[] BoundaryNames = ["continue", "keep", "drop"];

    internal static readonly string[] ClockNames = ["steps", "samples", "tokens", "epochs"];

    private readonly double[] _rates;
    private readonly bool _ratesAreArray;
    private readonly ProgressClock _clock;
    private readonly SpecNode _root;
    private readonly SpecNode? _plateau;
    private readonly PlanSection? _plan;
    private readonly string _json;

    private ScheduleSpec(double[] rates, bool ratesAreArray, ProgressClock clock, SpecNode root, SpecNode? plateau, PlanSection? plan)
    {
        _rates = rates;
        _ratesAreArray = ratesAreArray;
        _clock = clock;
        _root = root;
        _plateau = plateau;
        _plan = plan;
        _json = Write();
    }

    /// <summary>Gets the JSON Schema (draft 2020-12) of the spec, generated from the spec types.</summary>
    /// <value>
    /// The schema as indented JSON text, the same on every call. It names every type and parameter (anything else is refused),
    /// the JSON type of each value, what is required, the defaults, the choices and the ranges a parameter has whatever the others
    /// say; positions take a number or a unit string (<c>"2ep"</c>, <c>"1000ba"</c>, <c>"0.1dur"</c>). A spec it refuses,
    /// <see cref="Parse(string)"/> refuses too; rules that join values (per-group lengths, ascending milestones, the number in a
    /// unit string) are checked by <see cref="Parse(string)"/> only. <c>docs/spec.schema.json</c> in the repository is a copy,
    /// for editors and other languages.
    /// </value>
    public static string JsonSchema => SpecSchema.Text;

    /// <summary>Gets the number of parameter groups: the length of <c>lr</c> when it is an array, otherwise 1.</summary>
    public int GroupCount => _rates.Length;

    /// <summary>Gets a value indicating whether the spec has a <c>batch</c> section, so <see cref="BuildPlannerOptions(long?)"/> can be called.</summary>
    public bool HasBatch => _plan is not null;

    /// <summary>Reads a spec and checks every value in it.</summary>
    /// <param name="json">The spec, a JSON object with <c>lr</c>, <c>schedule</c> and optionally <c>clock</c>, <c>on_plateau</c>, <c>batch</c>, <c>scaling</c>, <c>max_micro_batch_size</c>, <c>duration</c> and <c>evaluation_interval</c>; comments are allowed.</param>
    /// <returns>The spec, in canonical form.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ScheduleSpecException">The JSON is malformed, names an unknown type or parameter, lacks a required parameter, gives a value of the wrong JSON type, or gives a value the schedule, batch policy or scaling rule refuses; <see cref="ScheduleSpecException.Path"/> is the JSON path of the field.</exception>
    public static ScheduleSpec Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new ScheduleSpecException("The spec is not valid JSON: " + e.Message, "$", e);
        }

        using (document)
        {
            ScheduleSpec spec = Read(document.RootElement);
            spec.Check();
            return spec;
        }
    }

    /// <summary>Writes the spec in canonical form: every parameter written out, defaults filled in.</summary>
    /// <returns>Indented JSON that <see cref="Parse(string)"/> reads back to an equal spec.</returns>
    public string ToJson() => _json;

    /// <summary>Builds the schedule the spec describes.</summary>
    /// <param name="datasetSize">The samples in one epoch, which converts a position between epochs and samples or steps (<c>"2ep"</c> on the steps clock); <see langword="null"/> when no position needs it.</param>
    /// <returns>A new schedule: one learning-rate schedule per group (with momentum schedules for a <c>CyclicLR</c> or <c>OneCycleLR</c> with <c>cycle_momentum</c>), or a fresh reduce-on-plateau schedule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="datasetSize"/> is less than 1.</exception>
    /// <exception cref="ScheduleSpecException">A value is refused by the schedule it configures, or a position needs the dataset size and <paramref name="datasetSize"/> is <see langword="null"/>.</exception>
    public OptimizerSchedule Build(long? datasetSize = null)
    {
        CheckDatasetSize(datasetSize);
        return BuildSchedule(Positions(datasetSize, deferDatasetSize: false).Resolve(_root));
    }

    /// <summary>Builds the configuration of a <see cref="TrainingPlanner"/>: the schedule, the batch-size policy, the scaling rule and the micro-batch limit the spec describes.</summary>
    /// <param name="datasetSize">
    /// The samples in one epoch, which an epoch clock and a position converted between epochs and samples or steps need;
    /// <see langword="null"/> when epochs are not tracked (the epoch clock stays at 0). A <see cref="TrainingPlanner"/> refuses
    /// options without it when anything reads the epoch clock or <c>epoch_boundary</c> is not <c>continue</c>.
    /// </param>
    /// <returns>
    /// New options with a fresh <see cref="Build(long?)"/> schedule and a fresh batch-size policy (adaptive policies start from
    /// their initial state), <see cref="TrainingPlannerOptions.Scaling"/> from <c>scaling</c> (none when left out), and
    /// <see cref="TrainingPlannerOptions.MaxMicroBatchSize"/> from <c>max_micro_batch_size</c> (unlimited when left out or null).
    /// </returns>
    /// <exception cref="InvalidOperationException">The spec has no <c>batch</c> section (<see cref="HasBatch"/> is <see langword="false"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="datasetSize"/> is less than 1.</exception>
    /// <exception cref="ScheduleSpecException">
    /// A value is refused by the schedule or policy it configures; a position needs the dataset size and
    /// <paramref name="datasetSize"/> is <see langword="null"/>; the dataset is smaller than <c>replicas</c>; <c>epoch_boundary</c>
    /// is <c>drop</c> with a first batch larger than the dataset; or the scaling rule at the largest batch would take the largest
    /// learning rate past the range of a double. <see cref="ScheduleSpecException.Path"/> names the value.
    /// </exception>
    public TrainingPlannerOptions BuildPlannerOptions(long? datasetSize = null)
    {
        if (_plan is null)
        {
            throw new InvalidOperationException(
                "The spec has no \"batch\" section, so it does not describe a training plan; add one, or set TrainingPlannerOptions.BatchSize in code with spec.Build() as the Schedule.");
        }

        CheckDatasetSize(datasetSize);
        PositionResolver positions = Positions(datasetSize, deferDatasetSize: false);
        OptimizerSchedule schedule = BuildSchedule(positions.Resolve(_root));
        _plan.CheckDataset(datasetSize);
        IBatchSizePolicy policy = SpecCatalog.BuildBatch(positions.Resolve(_plan.Batch), schedule, _root.Type, _plan.BatchPlateau);
        ILearningRateScaling scaling = SpecCatalog.BuildScaling(_plan.Scaling);
        _plan.CheckScaledPeak(schedule, policy, scaling);
        _plan.CheckFirstBatch(datasetSize, policy);
        return new TrainingPlannerOptions
        {
            Schedule = schedule,
            BatchSize = policy,
            Scaling = scaling,
            DatasetSize = datasetSize,
            MaxMicroBatchSize = _plan.MaxMicroBatchSize ?? int.MaxValue,
            Duration = _plan.Duration,
            EvaluationInterval = _plan.EvaluationInterval,
            EpochBoundary = _plan.EpochBoundary,
        };
    }

    /// <inheritdoc />
    public bool Equals(ScheduleSpec? other) => other is not null && string.Equals(_json, other._json, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ScheduleSpec);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_json);

    /// <summary>Returns the canonical JSON of the spec.</summary>
    /// <returns>The same text as <see cref="ToJson"/>.</returns>
    public override string ToString() => _json;

    private static ScheduleSpec Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw SpecErrors.WrongType("$", root, "an object with \"lr\" and \"schedule\"");
        }

        Dictionary<string, JsonElement> properties = SpecReader.Properties(root, "$");
        foreach (string key in properties.Keys)
        {
            if (Array.IndexOf(Keys, key) < 0)
            {
                throw SpecErrors.Unknown("$", key, "the spec", Keys);
            }
        }

        if (!properties.TryGetValue(RatesKey, out JsonElement ratesElement))
        {
            throw SpecErrors.Missing("$." + RatesKey, "the spec");
        }

        bool ratesAreArray = ratesElement.ValueKind == JsonValueKind.Array;
        // Stryker disable once String : ReadNumbers shows its rule only for a value that is not an array, and the ReadNumbers call runs only when lr is an array; the other strings here are paths that other tests check
        double[] rates = ratesAreArray
            ? SpecReader.ReadNumbers(ratesElement, "$." + RatesKey, "a number or an array of numbers")
            : [SpecReader.ReadNumber(ratesElement, "$." + RatesKey)];
        if (rates.Length == 0)
        {
            throw SpecErrors.Invalid("$." + RatesKey, "an empty array", "a number, or an array with one number per parameter group");
        }

        for (int i = 0; i < rates.Length; i++)
        {
            if (rates[i] < 0)
            {
                throw SpecErrors.Invalid(ratesAreArray ? SpecReader.Index("$." + RatesKey, i) : "$." + RatesKey, rates[i], "a finite number zero or more");
            }
        }

        ProgressClock clock = ProgressClock.Steps;
        if (properties.TryGetValue(ClockKey, out JsonElement clockElement))
        {
            int index = clockElement.ValueKind == JsonValueKind.String ? Array.IndexOf(ClockNames, clockElement.GetString()) : -1;
            if (index < 0)
            {
                throw SpecErrors.WrongType("$." + ClockKey, clockElement, "one of \"steps\", \"samples\", \"tokens\", \"epochs\"");
            }

            clock = (ProgressClock)index;
        }

        if (!properties.TryGetValue(ScheduleKey, out JsonElement scheduleElement))
        {
            throw SpecErrors.Missing("$." + ScheduleKey, "the spec");
        }

        SpecNode node = SpecReader.ReadSchedule(scheduleElement, "$." + ScheduleKey, rates.Length, topLevel: true);
        SpecNode? plateau = null;
        if (properties.TryGetValue(PlateauKey, out JsonElement plateauElement))
        {
            if (SpecCatalog.Lookup(node.Type).Reactive)
            {
                throw SpecErrors.Invalid("$." + PlateauKey, "given with " + SpecReader.Quote(node.Type), "left out, since " + node.Type + " already reduces on plateau; put on_plateau beside a closed-form schedule");
            }

            plateau = SpecReader.ReadSection(plateauElement, "$." + PlateauKey, PlateauKey, "on_plateau", SpecCatalog.RatePlateauParameters, rates.Length);
        }

        return new ScheduleSpec(rates, ratesAreArray, clock, node, plateau, ReadPlan(properties, clock));
    }

    private static PlanSection? ReadPlan(Dictionary<string, JsonElement> properties, ProgressClock clock)
    {
        if (!properties.TryGetValue(BatchKey, out JsonElement batchElement))
        {
            foreach (string key in (string[])[ScalingKey, MicroBatchKey, DurationKey, EvaluationKey, BoundaryKey])
            {
                if (properties.ContainsKey(key))
                {
                    throw SpecErrors.Invalid("$." + key, "given without a \"batch\" section", "left out, or given with one, since it configures the training plan that \"batch\" describes");
                }
            }

            return null;
        }

        if (batchElement.ValueKind != JsonValueKind.Object)
        {
            throw SpecErrors.WrongType(SpecCatalog.BatchPath, batchElement, "a batch object with a \"type\"");
        }

        Dictionary<string, JsonElement> batchProperties = SpecReader.Properties(batchElement, SpecCatalog.BatchPath);
        SpecNode? batchPlateau = batchProperties.Remove(PlateauKey, out JsonElement batchPlateauElement)
            ? SpecReader.ReadSection(batchPlateauElement, SpecCatalog.BatchPath + "." + PlateauKey, PlateauKey, "the batch section's on_plateau", SpecCatalog.BatchPlateauParameters, groups: 1)
            : null;
        SpecNode batch = SpecReader.ReadVariant(batchProperties, SpecCatalog.BatchPath, BatchKey, SpecCatalog.BatchTypes);
        SpecNode scaling = properties.TryGetValue(ScalingKey, out JsonElement scalingElement)
            ? SpecReader.ReadVariant(scalingElement, SpecCatalog.ScalingPath, ScalingKey, SpecCatalog.ScalingTypes)
            : SpecCatalog.NoScaling;
        int? maxMicro = null;
        if (properties.TryGetValue(MicroBatchKey, out JsonElement microElement) && microElement.ValueKind != JsonValueKind.Null)
        {
            if (microElement.ValueKind != JsonValueKind.Number || !microElement.TryGetInt32(out int micro) || micro < 1)
            {
                throw SpecErrors.WrongType("$." + MicroBatchKey, microElement, "a whole number 1 or more, or null for no limit");
            }

            maxMicro = micro;
        }

        TrainingDuration? duration = properties.TryGetValue(DurationKey, out JsonElement durationElement)
            ? ReadDuration(durationElement, "$." + DurationKey, clock, null)
            : null;
        TrainingDuration? evaluation = properties.TryGetValue(EvaluationKey, out JsonElement evaluationElement)
            ? ReadDuration(evaluationElement, "$." + EvaluationKey, clock, duration)
            : null;
        if (evaluation is { Clock: ProgressClock.Tokens })
        {
            throw SpecErrors.Invalid("$." + EvaluationKey, SpecReader.Quote(evaluation.Value.ToString()), "in steps (ba), samples (sp) or epochs (ep), since a plan cannot know a step's tokens before the step");
        }

        EpochBoundary boundary = EpochBoundary.Continue;
        if (properties.TryGetValue(BoundaryKey, out JsonElement boundaryElement))
        {
            int index = boundaryElement.ValueKind == JsonValueKind.String ? Array.IndexOf(BoundaryNames, boundaryElement.GetString()) : -1;
            if (index < 0)
            {
                throw SpecErrors.WrongType("$." + BoundaryKey, boundaryElement, "one of \"continue\", \"keep\", \"drop\"");
            }

            boundary = (EpochBoundary)index;
        }

        return new PlanSection(batch, batchPlateau, scaling, maxMicro, duration, evaluation, boundary);
    }

    /// <summary>
    /// Reads a length: a plain number on the spec's clock, or a string with a unit (<c>2ep</c>, <c>1000ba</c>, <c>5e4sp</c>,
    /// <c>1e6tok</c>), or a fraction of the training duration (<c>0.1dur</c>), rounded to a whole number on a counting clock.
    /// </summary>
    private static TrainingDuration? ReadDuration(JsonElement element, string path, ProgressClock clock, TrainingDuration? total)
    {
        const string Rule = "a number on the spec's clock, a string with a unit (\"2ep\", \"1000ba\", \"5e4sp\", \"1e6tok\"), a fraction of the duration (\"0.1dur\"), or null";
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number:
                double number = SpecReader.ReadNumber(element, path);
                return TrainingDuration.Broken(number, clock) is { } broken
                    ? throw SpecErrors.Invalid(path, number, broken + " on the spec's clock, " + clock.ToString().ToLowerInvariant())
                    : TrainingDuration.On(number, clock);
            case JsonValueKind.String:
                string text = element.GetString()!;
                string trimmed = text.Trim(); // as TrainingDuration.Parse trims " 3ep "
                if (trimmed.EndsWith("dur", StringComparison.Ordinal))
                {
                    if (total is not { } whole)
                    {
                        throw SpecErrors.Invalid(
                            path,
                            SpecReader.Quote(text),
                            path == "$." + DurationKey
                                ? "a length with a unit (\"2ep\", \"1000ba\"), since the duration cannot be a fraction of itself"
                                : "given with a \"duration\", since a fraction of the duration needs one");
                    }

                    if (!double.TryParse(trimmed[..^3], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double fraction)
                        || !(fraction > 0) || !double.IsFinite(fraction))
                    {
                        throw SpecErrors.Invalid(path, SpecReader.Quote(text), "a fraction greater than zero followed by dur, such as \"0.1dur\"");
                    }

                    double value = fraction * whole.Value;
                    if (whole.Clock != ProgressClock.Epochs)
                    {
                        value = Math.Max(1, Math.Round(value, MidpointRounding.AwayFromZero)); // halves round up, as positions do
                    }

                    return TrainingDuration.Broken(value, whole.Clock) is { } rule
                        ? throw SpecErrors.Invalid(path, SpecReader.Quote(text), rule + " once multiplied by the duration")
                        : TrainingDuration.On(value, whole.Clock);
                }

                return TrainingDuration.TryParse(text, out TrainingDuration parsed)
                    ? parsed
                    : throw SpecErrors.Invalid(path, SpecReader.Quote(text), Rule);
            default:
                throw SpecErrors.WrongType(path, element, Rule);
        }
    }

    private static void CheckDatasetSize(long? datasetSize)
    {
        if (datasetSize is < 1)
        {
            throw Guard.OutOfRange(nameof(datasetSize), datasetSize, "1 or more, or null");
        }
    }

    /// <summary>Builds everything once, so every value the schedules, the policy and the rule refuse fails <see cref="Parse(string)"/>.</summary>
    /// <remarks>
    /// A schedule object or batch policy with a position that waits for the dataset size is not built: its positions are
    /// checked as far as they can be, its nested schedules are built, and the rest of it is checked when a build knows the
    /// dataset size. The plateau section is then checked on constant rates, and a batch policy that mirrors the schedule
    /// is left to the build too.
    /// </remarks>
    private void Check()
    {
        PositionResolver positions = Positions(datasetSize: null, deferDatasetSize: true);
        bool scheduleKnown = positions.TryResolve(_root, out SpecNode root);
        OptimizerSchedule schedule;
        if (scheduleKnown)
        {
            schedule = BuildSchedule(root);
        }
        else
        {
            CheckKnown(_root, positions);
            schedule = new OptimizerSchedule(Array.ConvertAll(_rates, r => OnClock(Schedule.Constant(r))));
            if (_plateau is not null)
            {
                SpecCatalog.BuildWithPlateau(schedule, _plateau);
            }
        }

        if (_plan is not null)
        {
            bool batchKnown = positions.TryResolve(_plan.Batch, out SpecNode batch);
            _plan.Check(batchKnown && (scheduleKnown || !SpecCatalog.MirrorsSchedule(batch)) ? batch : null, schedule, _root.Type);
        }
    }

    /// <summary>Builds, for every group, each schedule object whose positions are all known; one with a position that waits for the dataset size has its nested schedules checked instead.</summary>
    private void CheckKnown(SpecNode node, PositionResolver positions)
    {
        if (positions.TryResolve(node, out SpecNode resolved))
        {
            for (int g = 0; g < _rates.Length; g++)
            {
                SpecCatalog.BuildChild(resolved, new BuildContext(_rates[g], g, RatePath(g)));
            }

            return;
        }

        foreach (KeyValuePair<string, object?> pair in node.Values)
        {
            if (pair.Value is SpecNode child)
            {
                CheckKnown(child, positions);
            }
            else if (pair.Value is SpecNode[] children)
            {
                foreach (SpecNode item in children)
                {
                    CheckKnown(item, positions);
                }
            }
        }
    }

    /// <summary>Returns the converter of positions with units, which knows the clock, the duration and the fixed batch size of this spec.</summary>
    private PositionResolver Positions(long? datasetSize, bool deferDatasetSize)
    {
        int? batchSize = null;
        string noBatchSize;
        if (_plan is null)
        {
            noBatchSize = "the spec has no \"batch\" section (a {\"type\": \"fixed\"} one gives the batch size)";
        }
        else if (_plan.Batch.Type != "fixed")
        {
            noBatchSize = "the batch section is " + SpecReader.Quote(_plan.Batch.Type) + ", whose size varies";
        }
        else if (_plan.BatchPlateau is not null)
        {
            noBatchSize = "the batch section's on_plateau varies the batch size";
        }
        else
        {
            batchSize = (int)_plan.Batch.Number("batch_size");
            noBatchSize = string.Empty;
        }

        return new PositionResolver(_clock, _plan?.Duration, batchSize, noBatchSize, datasetSize, deferDatasetSize);
    }

    /// <summary>Builds the schedule of a root node whose positions are numbers.</summary>
    private OptimizerSchedule BuildSchedule(SpecNode root)
    {
        SpecType type = SpecCatalog.Lookup(root.Type);
        if (type.Reactive)
        {
            return SpecCatalog.BuildConstantWithPlateau(root, _rates);
        }

        var rates = new LearningRateSchedule[_rates.Length];
        LearningRateSchedule[]? momentum = type.Momentum is null ? null : new LearningRateSchedule[_rates.Length];
        for (int g = 0; g < rates.Length; g++)
        {
            var context = new BuildContext(_rates[g], g, RatePath(g));
            rates[g] = OnClock(type.Build!(root, context));
            if (momentum is not null)
            {
                LearningRateSchedule? m = type.Momentum!(root, context);
                if (m is null)
                {
                    momentum = null;
                }
                else
                {
                    momentum[g] = OnClock(m);
                }
            }
        }

        var schedule = new OptimizerSchedule(rates, momentum);
        return _plateau is null ? schedule : SpecCatalog.BuildWithPlateau(schedule, _plateau);
    }

    private string RatePath(int group) => _ratesAreArray ? SpecReader.Index("$." + RatesKey, group) : "$." + RatesKey;

    private LearningRateSchedule OnClock(LearningRateSchedule schedule) => _clock == ProgressClock.Steps ? schedule : schedule.On(_clock);

    private string Write()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(RatesKey);
            if (_ratesAreArray)
            {
                SpecWriter.WriteNumbers(writer, _rates);
            }
            else
            {
                writer.WriteNumberValue(_rates[0]);
            }

            writer.WriteString(ClockKey, ClockNames[(int)_clock]);
            writer.WritePropertyName(ScheduleKey);
            SpecWriter.WriteSchedule(writer, _root);
            if (_plateau is not null)
            {
                writer.WritePropertyName(PlateauKey);
                SpecWriter.WriteSection(writer, _plateau);
            }

            if (_plan is not null)
            {
                writer.WritePropertyName(BatchKey);
                SpecWriter.WriteSchedule(writer, _plan.Batch, PlateauKey, _plan.BatchPlateau);
                writer.WritePropertyName(ScalingKey);
                SpecWriter.WriteSchedule(writer, _plan.Scaling);
                writer.WritePropertyName(MicroBatchKey);
                if (_plan.MaxMicroBatchSize is { } micro)
                {
                    writer.WriteNumberValue(micro);
                }
                else
                {
                    writer.WriteNullValue();
                }

                WriteDuration(writer, DurationKey, _plan.Duration);
                WriteDuration(writer, EvaluationKey, _plan.EvaluationInterval);
                writer.WriteString(BoundaryKey, BoundaryNames[(int)_plan.EpochBoundary]);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteDuration(Utf8JsonWriter writer, string key, TrainingDuration? duration)
    {
        if (duration is { } value)
        {
            writer.WriteString(key, value.ToString());
        }
        else
        {
            writer.WriteNull(key);
        }
    }

    /// <summary>The sections that configure a training plan: the batch policy and its plateau factor, the scaling rule, the micro-batch limit, the duration and the evaluation interval.</summary>
    private sealed record PlanSection(SpecNode Batch, SpecNode? BatchPlateau, SpecNode Scaling, int? MaxMicroBatchSize, TrainingDuration? Duration, TrainingDuration? EvaluationInterval, EpochBoundary EpochBoundary)
    {
        /// <summary>Checks that the dataset holds a sample for every replica, naming <c>replicas</c>.</summary>
        /// <param name="datasetSize">The dataset size the plan is built for, or <see langword="null"/>.</param>
        public void CheckDataset(long? datasetSize)
        {
            if (datasetSize is not { } size)
            {
                return;
            }

            double replicas = Batch.Number("replicas");
            if (size < replicas)
            {
                throw SpecErrors.Refused(
                    SpecCatalog.BatchPath + ".replicas",
                    Guard.Format(replicas),
                    string.Create(CultureInfo.InvariantCulture, $"the dataset, {size} samples, must hold at least one sample per replica"));
            }
        }

        /// <summary>Refuses a scaling rule under which the largest learning rate, scaled at the largest batch, would overflow.</summary>
        /// <param name="schedule">The spec's schedule.</param>
        /// <param name="policy">The batch-size policy, whose constraints give the largest batch.</param>
        /// <param name="scaling">The scaling rule.</param>
        public void CheckScaledPeak(OptimizerSchedule schedule, IBatchSizePolicy policy, ILearningRateScaling scaling)
        {
            int largest = policy.Constraints.HighestAllowed;
            double peak = schedule.PeakLearningRate;
            double factor = LearningRateScaling.MaxFactor(scaling, largest);
            if (double.IsFinite(peak) && double.IsFinite(factor) && !double.IsFinite(peak * factor))
            {
                throw SpecErrors.Refused(
                    SpecCatalog.ScalingPath + ".reference_batch_size",
                    Guard.Format(Scaling.Number("reference_batch_size")),
                    string.Create(CultureInfo.InvariantCulture, $"the scaling factor at the largest batch, {largest}, is then {Guard.Format(factor)}, and the largest learning rate, {Guard.Format(peak)}, times it overflows to infinity: lower lr or max_batch_size, or raise reference_batch_size"));
            }
        }

        /// <summary>Refuses <c>drop</c> when the first batch is already larger than the dataset, so every epoch would be passed over.</summary>
        /// <param name="datasetSize">The dataset size the plan is built for.</param>
        /// <param name="policy">The batch-size policy, fresh.</param>
        /// <remarks>A policy that outgrows the dataset later makes <see cref="TrainingPlanner.Plan"/> throw at that step.</remarks>
        public void CheckFirstBatch(long? datasetSize, IBatchSizePolicy policy)
        {
            if (EpochBoundary == EpochBoundary.Drop && datasetSize is { } size && policy.GetBatchSize(default) is var first && first > size)
            {
                throw SpecErrors.Refused(
                    "$." + BoundaryKey,
                    "\"drop\"",
                    string.Create(CultureInfo.InvariantCulture, $"the first batch, {first}, is larger than the dataset, {size} samples, so every epoch would be passed over: use \"keep\" or \"continue\", or a smaller batch"));
            }
        }

        /// <summary>Builds the policy and the rule once, so every value they refuse fails <see cref="Parse(string)"/>.</summary>
        /// <param name="batch">The batch node with its positions converted, or <see langword="null"/> when the policy is left to the build.</param>
        /// <param name="schedule">The spec's schedule, or constant rates on its clock when the schedule is left to the build.</param>
        /// <param name="scheduleType">The spec's schedule type.</param>
        public void Check(SpecNode? batch, OptimizerSchedule schedule, string scheduleType)
        {
            ILearningRateScaling scaling = SpecCatalog.BuildScaling(Scaling);
            if (batch is not null)
            {
                CheckScaledPeak(schedule, SpecCatalog.BuildBatch(batch, schedule, scheduleType, BatchPlateau), scaling);
            }

            if (scaling.ScalesProgress && !schedule.RunsOnSteps)
            {
                throw SpecErrors.Invalid(
                    SpecCatalog.ScalingPath + ".type",
                    SpecReader.Quote(Scaling.Type),
                    "used with schedules on the steps clock, since AdaScale advances the schedule by its gain per step");
            }
        }
    }
}
