using System;
using System.Globalization;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Internal;
using BatchLr.Scaling;
using BatchLr.Schedules;
using BatchLr.Telemetry;

namespace BatchLr;

/// <summary>Plans every optimizer step of a training loop: its batch, split into micro-batches, the learning rate and momentum of each group, and when to evaluate.</summary>
/// <remarks>
/// <para>
/// Call <see cref="Plan"/> before a step and <see cref="Complete(in StepOutcome)"/> after it; report metrics measured between
/// steps, such as a validation loss, with <see cref="Report(double)"/>. The planner keeps the clocks right when the batch
/// varies: steps count optimizer steps, samples and tokens count what the steps actually consumed, and the epoch is samples
/// over the dataset size, so an epoch ends when the data is used up.
/// </para>
/// <para>
/// The learning rate of group <c>g</c> is <c>schedule_g(t) · m_g · scaling(B)</c>: the closed-form schedule, the group's
/// reduce-on-plateau factor (1 until the first reduction; see <see cref="OptimizerSchedule.WithPlateau(ReduceOnPlateauOptions)"/>)
/// and the scaling rule's factor at the step's batch size. Under AdaScale the schedule's position advances by that factor per
/// step instead of by one.
/// </para>
/// <para>
/// Whatever consumes gradient-noise estimates (a noise-adaptive or goodput batch, AdaScale) needs the gradient at two batch
/// sizes. Data-parallel replicas give them for free (one replica's and the reduced gradient); on a single replica the
/// planner splits every batch of 2 or more into at least two micro-batches, so the first micro-batch's gradient and the
/// accumulated one can be compared (<see cref="GradientStatistics.FromMicroBatches"/>), as adaptdl does.
/// </para>
/// <para>
/// Where a metric lands: <see cref="Report(double)"/> and the training losses of <see cref="Complete(in StepOutcome)"/> change
/// the reactive parts at once, and the next call of <see cref="Plan"/> is the first to see the change. A plan already returned
/// never changes (<see cref="StepPlan"/> is a snapshot), and <see cref="Complete(in StepOutcome)"/> records the step of the last
/// plan returned.
/// </para>
/// <para>
/// A NaN or infinite number never reaches a reactive part: <see cref="Complete(in StepOutcome)"/> refuses a non-finite loss or
/// gradient norm, and <see cref="Report(double)"/> a non-finite metric, with an <see cref="ArgumentOutOfRangeException"/> that
/// names the field and the rule, and nothing changes. A step whose loss or gradient was not finite, and whose update the loop
/// therefore skipped, is recorded with <see cref="SkipStep"/>: its samples are passed over and nothing learns from it.
/// </para>
/// <para>
/// The whole state is <see cref="State"/>; a planner built from it with the same options plans exactly what the original would
/// have, and a planner with other options refuses it. The reduce-on-plateau state belongs to the planner; an adaptive batch
/// policy keeps its state in itself, so give each planner its own policy: <see cref="ScheduleSpec.BuildPlannerOptions(long?)"/>
/// builds fresh ones on every call.
/// </para>
/// <para>
/// Thread safety: a planner is not thread-safe. Use one planner per training loop, and call it from one thread at a time (on
/// every rank of a data-parallel job, each rank has its own planner and they plan alike). What the options hold may be shared
/// between planners on any threads: the <see cref="OptimizerSchedule"/> (its plateau state lives in each planner), the
/// closed-form batch-size policies and the scaling rules are immutable. An adaptive batch-size policy may not be shared: it
/// is the one part of the options with state. <see cref="State"/> and every <see cref="StepPlan"/> are immutable snapshots
/// that may be read anywhere.
/// </para>
/// </remarks>
public sealed class TrainingPlanner
{
    private const double Tolerance = 1e-9;

    private readonly OptimizerSchedule _schedule;
    private readonly ReduceOnPlateau? _plateau;
    private readonly IBatchSizePolicy _policy;
    private readonly IAdaptiveBatchSizePolicy? _adaptive;
    private readonly ILearningRateScaling _scaling;
    private readonly long? _datasetSize;
    private readonly int _maxMicroBatch;
    private readonly int _minAccumulation;
    private readonly int? _growthInterval;
    private int _microBatchLimit;
    private int _stepsSinceShrink;
    private readonly int _replicas;
    private readonly GradientNoiseEstimator _noise;
    private readonly TrainingDuration? _duration;
    private readonly long? _totalSamples;
    private readonly TrainingDuration? _evaluation;
    private readonly double _evaluationSamples;
    private readonly string _fingerprint;
    private readonly EpochBoundary _boundary;
    private readonly string? _name;
    private double[] _factors;
    private long _skipped;
    private int _lastBatch;
    private TrainingProgress _progress;
    private double _position;
    private StepPlan _pending;
    private bool _hasPending;

    /// <summary>Initializes a new instance of the <see cref="TrainingPlanner"/> class.</summary>
    /// <param name="options">The configuration; checked once.</param>
    /// <param name="state">A saved state to resume from; <see langword="null"/> to start training.</param>
    /// <exception cref="ArgumentException">
    /// An option breaks its rule (the message lists every broken option rule), or a field of the state does, or the state was
    /// saved by a planner configured otherwise (its <see cref="TrainingPlannerState.Fingerprint"/> differs).
    /// </exception>
    public TrainingPlanner(TrainingPlannerOptions options, TrainingPlannerState? state = null)
    {
        Guard.NotNull(options);
        Validate(options);

        _schedule = options.Schedule!;
        _plateau = _schedule.CreatePlateau();
        _factors = [.. _schedule.InitialFactors];
        _policy = options.BatchSize!;
        _adaptive = _policy as IAdaptiveBatchSizePolicy;
        _scaling = options.Scaling!;
        _datasetSize = options.DatasetSize;
        _maxMicroBatch = options.MaxMicroBatchSize;
        _microBatchLimit = options.MaxMicroBatchSize;
        _growthInterval = options.MicroBatchRegrowthInterval;

        // The noise is measured from two batch sizes: replicas give them for free, else the accumulation must have two parts.
        NeedsGradientStatistics = _policy is NoiseAdaptiveBatchSizePolicy or GoodputBatchSizePolicy || options.Scaling!.ScalesProgress;
        _minAccumulation = NeedsGradientStatistics && _policy.Constraints.Replicas == 1 ? 2 : 1;
        _replicas = _policy.Constraints.Replicas;
        _noise = new GradientNoiseEstimator(options.NoiseDecay, state?.Noise);
        _duration = options.Duration;
        _totalSamples = _duration switch
        {
            { Clock: ProgressClock.Samples } d => (long)d.Value,
            { Clock: ProgressClock.Epochs } d => (long)Math.Round(d.Value * _datasetSize!.Value),
            _ => null,
        };
        _evaluation = options.EvaluationInterval;
        _evaluationSamples = _evaluation switch
        {
            { Clock: ProgressClock.Samples } e => e.Value,
            { Clock: ProgressClock.Epochs } e => e.Value * _datasetSize!.Value,
            _ => double.NaN,
        };
        _boundary = options.EpochBoundary;
        _name = options.Name;
        _fingerprint = PlannerFingerprint.Of(options);
        if (state is not null)
        {
            Restore(state);
        }
    }

    /// <summary>Gets the training progress: what has been completed so far.</summary>
    public TrainingProgress Progress => _progress;

    /// <summary>Gets the current gradient-noise estimates.</summary>
    public GradientNoise Noise => _noise.Current;

    /// <summary>Gets the largest micro-batch a replica is planned with now: <see cref="TrainingPlannerOptions.MaxMicroBatchSize"/>, or less after an out-of-memory (<see cref="ReportOutOfMemory"/>).</summary>
    public int MicroBatchLimit => _microBatchLimit;

    /// <summary>Gets a value indicating whether a part of the plan consumes gradient-noise estimates (a noise-adaptive or goodput batch, AdaScale), so each step should report <see cref="StepOutcome.Gradients"/>.</summary>
    public bool NeedsGradientStatistics { get; }

    /// <summary>Gets a value indicating whether training has reached <see cref="TrainingPlannerOptions.Duration"/>; always <see langword="false"/> without one.</summary>
    /// <value>
    /// <see langword="true"/> once the steps, tokens or samples reach the duration; with samples or epochs, also when fewer
    /// samples remain than there are replicas, since a step takes a multiple of the replicas, and under
    /// <see cref="EpochBoundary.Drop"/> when all that remains is a tail that would be passed over.
    /// </value>
    public bool IsComplete => !TryNext(out _, out _, out _);

    /// <summary>Gets a snapshot of the whole state, to save with a checkpoint.</summary>
    public TrainingPlannerState State => new(
        _progress.Step,
        _progress.Samples,
        _progress.Tokens,
        _position,
        _noise.State,
        _plateau?.State,
        _adaptive?.State)
    {
        Fingerprint = _fingerprint,
        SkippedSamples = _skipped,
        MicroBatchLimit = _microBatchLimit == _maxMicroBatch ? null : _microBatchLimit,
        StepsSinceShrink = _stepsSinceShrink,
    };

    /// <summary>Returns the plan for the next step.</summary>
    /// <returns>The batch plan, the learning rate and momentum of each group, and whether the step ends training or an evaluation period.</returns>
    /// <remarks>Asking again before <see cref="Complete(in StepOutcome)"/> gives an equal plan unless a metric reported in between changed a reactive part.</remarks>
    /// <exception cref="InvalidOperationException">Training is complete (<see cref="IsComplete"/>).</exception>
    public StepPlan Plan()
    {
        if (!TryNext(out int batch, out long skip, out bool last))
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"Training is complete: the planner has reached its duration, {_duration}, at {_progress}. Check IsComplete (or StepPlan.IsLastStep) to end the loop."));
        }

        if (batch < 0)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The batch, {-batch}, is larger than the dataset, {_datasetSize} samples: with EpochBoundary.Drop every epoch would be passed over. Use EpochBoundary.Keep or Continue, or a smaller batch."));
        }

        var split = BatchPlan.Create(batch, _microBatchLimit, _replicas, _minAccumulation);
        GradientNoise noise = _noise.Current;
        double factor = _scaling.GetFactor(batch, noise);
        long offset = _progress.Samples + _skipped + skip;
        bool evaluate = _evaluation is not null && (last || CrossesEvaluationPoint(offset, batch));
        TrainingProgress progress = skip == 0 ? _progress : new TrainingProgress(_progress.Step, _progress.Samples, _progress.Tokens, (double)offset / _datasetSize!.Value);
        double batchMultiplier = _policy is PlateauBatchSizePolicy plateau ? plateau.Multiplier : 1.0;
        _pending = new StepPlan(_schedule, progress, _scaling.ScalesProgress ? _position : double.NaN, split, factor, _factors, evaluate, last, offset, skip, batchMultiplier, noise);
        _hasPending = true;
        return _pending;
    }

    /// <summary>Records what the planned step did and advances the clocks.</summary>
    /// <param name="outcome">What happened: the samples consumed, and whatever else the loop measured.</param>
    /// <remarks>The step recorded is the one of the last plan returned by <see cref="Plan"/> since the previous call; without one, the step planned now.</remarks>
    /// <exception cref="ArgumentException">
    /// A field of <paramref name="outcome"/> breaks its rule (among them: a loss or a gradient norm that is NaN or infinite; record
    /// such a step with <see cref="SkipStep"/>), or it reports more samples than the step planned; nothing changes.
    /// </exception>
    /// <exception cref="InvalidOperationException">Training is complete and no step was planned; nothing changes.</exception>
    public void Complete(in StepOutcome outcome)
    {
        Validate(outcome);
        StepPlan plan = _hasPending ? _pending : Plan();
        if (outcome.Samples > plan.Batch.GlobalBatchSize)
        {
            throw Guard.OutOfRange("outcome.Samples", outcome.Samples, "at most the step's planned global batch, " + plan.Batch.GlobalBatchSize.ToString(CultureInfo.InvariantCulture) + "; a step consumes its plan's batch, or fewer samples at the end of the data");
        }

        BatchPlan executed = Executed(plan.Batch, outcome.Samples);

        // Everything that can refuse its input runs before the first change, so a refused outcome changes nothing.
        GradientNoise noise = _noise.Current;
        if (outcome.Gradients is { } gradients)
        {
            _noise.Observe(gradients);
        }

        double advance = _scaling.ScalesProgress ? _scaling.GetFactor((int)outcome.Samples, noise) : 1.0; // the gain of the samples consumed
        if (outcome.Loss is { } loss && _plateau is not null && _plateau.ObserveLoss(loss))
        {
            RefreshFactors();
            PlannerMetrics.Count(PlannerMetrics.PlateauReductions, _name);
        }

        long samples = _progress.Samples + outcome.Samples;
        _skipped += plan.Skip;
        double epoch = _datasetSize is { } size ? (double)(samples + _skipped) / size : 0.0;
        _progress = new TrainingProgress(_progress.Step + 1, samples, _progress.Tokens + outcome.Tokens, epoch);
        _position += advance;
        _hasPending = false;
        if (_microBatchLimit < _maxMicroBatch && _growthInterval is { } interval && ++_stepsSinceShrink >= interval)
        {
            _microBatchLimit = (int)Math.Min((long)_microBatchLimit * 2, _maxMicroBatch);
            _stepsSinceShrink = 0;
        }

        PlannerMetrics.Completed(_name, plan, outcome.Samples, _lastBatch);
        _lastBatch = plan.Batch.GlobalBatchSize;
        double multiplier = BatchMultiplier;
        _adaptive?.Observe(new BatchFeedback(_progress, executed)
        {
            MaxMicroBatchSize = _microBatchLimit,
            MinAccumulationSteps = _minAccumulation,
            Loss = outcome.Loss,
            Noise = _noise.Current,
            StepSeconds = outcome.Seconds,
        });
        if (BatchMultiplier != multiplier)
        {
            PlannerMetrics.Count(PlannerMetrics.PlateauBatchChanges, _name);
        }
    }

    /// <summary>Records that the planned step ran out of device memory: the micro-batch limit halves, and the next <see cref="Plan"/> plans the same step again with twice the accumulation.</summary>
    /// <returns>The new micro-batch limit.</returns>
    /// <remarks>
    /// <para>
    /// Call it after discarding the failed attempt's partial gradients (<c>zero_grad</c>), before the optimizer steps; the
    /// planner has not advanced, so the retried plan has the same global batch, the same samples
    /// (<see cref="StepPlan.DataOffset"/>), the same learning rates and the same evaluation point: the optimizer sees the same
    /// step, only split finer. The limit becomes half the failed plan's micro-batch, rounded up, and is part of
    /// <see cref="State"/>; after <see cref="TrainingPlannerOptions.MicroBatchRegrowthInterval"/> good steps it doubles back
    /// toward <see cref="TrainingPlannerOptions.MaxMicroBatchSize"/>.
    /// </para>
    /// <para>
    /// With data-parallel replicas every rank must shrink together, or the global batch breaks: agree on the flag first (an
    /// all-reduce of "this rank ran out of memory" with MAX, as Composer does) and call this on every rank when any rank failed.
    /// Plans are deterministic, so the ranks then plan the same retry.
    /// </para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">No step is planned, or the failed plan's micro-batch was already 1 sample: the model does not fit the device even so.</exception>
    public int ReportOutOfMemory()
    {
        if (!_hasPending)
        {
            throw new InvalidOperationException("No step is planned: call Plan, run the step, and report an out-of-memory of that step.");
        }

        int failed = _pending.Batch.MicroBatchSize;
        if (failed <= 1)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The step ran out of memory with micro-batches of 1 sample at {_progress}: the model, its gradients and the optimizer's state do not fit the device even so."));
        }

        _microBatchLimit = (failed + 1) / 2;
        _stepsSinceShrink = 0;
        _hasPending = false;
        PlannerMetrics.Count(PlannerMetrics.OutOfMemoryRecoveries, _name);
        return _microBatchLimit;
    }

    /// <summary>Records that the planned step did not update the model, because its loss or its gradient was not finite: its samples are passed over, and nothing that learns from training changes.</summary>
    /// <returns>The samples passed over: the step's global batch.</returns>
    /// <remarks>
    /// <para>
    /// Call it instead of <see cref="Complete(in StepOutcome)"/> when the loop skips the optimizer's update, as AMP's
    /// <c>GradScaler</c> skips a step whose gradients hold an infinity or a NaN (Hugging Face's <c>Trainer</c> then does not
    /// advance its learning-rate scheduler either). A NaN or infinite loss must never reach the planner: <see cref="Complete(in StepOutcome)"/>
    /// refuses it, so a loop that met one calls this.
    /// </para>
    /// <para>
    /// What changes: the position in the data moves past the step's samples (and past an epoch's tail the plan passed over
    /// under <see cref="EpochBoundary.Drop"/>), so the next plan reads the samples after them, the epoch clock advances, and every sample is
    /// still read once per epoch; the samples count in <see cref="TrainingPlannerState.SkippedSamples"/>. What does not: the
    /// optimizer steps, the samples and tokens consumed, and therefore the schedules' position (the next plan has the same
    /// learning rates, unless a schedule runs on the epoch clock); the reduce-on-plateau monitor, the gradient-noise estimates
    /// and an adaptive batch-size policy receive nothing; the micro-batch limit does not count the step toward regrowing. A
    /// duration in samples or epochs counts positions in the data, so skipped samples count toward it; a duration in steps
    /// counts optimizer steps, so it does not.
    /// </para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">No step is planned: call <see cref="Plan"/> first; nothing changes.</exception>
    public long SkipStep()
    {
        if (!_hasPending)
        {
            throw new InvalidOperationException("No step is planned: call Plan, run the step, and skip that step.");
        }

        StepPlan plan = _pending;
        _skipped += plan.Skip + plan.Batch.GlobalBatchSize;
        double epoch = _datasetSize is { } size ? (double)(_progress.Samples + _skipped) / size : 0.0;
        _progress = new TrainingProgress(_progress.Step, _progress.Samples, _progress.Tokens, epoch);
        _hasPending = false;
        PlannerMetrics.Count(PlannerMetrics.SkippedSteps, _name);
        return plan.Batch.GlobalBatchSize;
    }

    /// <summary>Reports a metric measured between steps, such as a validation loss, to the reactive parts that watch reported metrics.</summary>
    /// <param name="metric">The metric; finite.</param>
    /// <remarks>
    /// Call it whenever the loop measures the metric, typically after a step whose plan has <see cref="StepPlan.IsEvaluationPoint"/>.
    /// The next <see cref="Plan"/> is the first to see its effect; a plan already returned keeps its values. Reactive parts that
    /// watch the training loss (<see cref="PlateauMonitor.TrainingLoss"/>) ignore it.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is NaN or infinite; nothing changes.</exception>
    public void Report(double metric)
    {
        if (!double.IsFinite(metric))
        {
            throw Guard.OutOfRange(nameof(metric), metric, "a finite number; a NaN or infinite metric is refused so it cannot change a schedule");
        }

        if (_plateau is { Monitor: PlateauMonitor.ReportedMetric } && _plateau.Report(metric))
        {
            RefreshFactors();
            PlannerMetrics.Count(PlannerMetrics.PlateauReductions, _name);
        }

        double multiplier = BatchMultiplier;
        _adaptive?.Report(metric);
        if (BatchMultiplier != multiplier)
        {
            PlannerMetrics.Count(PlannerMetrics.PlateauBatchChanges, _name);
        }
    }

    /// <summary>Gets the batch-size plateau's factor, or 1 without one.</summary>
    private double BatchMultiplier => _policy is PlateauBatchSizePolicy plateau ? plateau.Multiplier : 1.0;

    private static void Validate(TrainingPlannerOptions options)
    {
        var check = new OptionsValidation(nameof(options));
        check.Require(options.Schedule is not null, nameof(options.Schedule), null, "set");
        check.Require(options.BatchSize is not null, nameof(options.BatchSize), null, "set");
        check.Require(options.Scaling is not null, nameof(options.Scaling), null, "set");
        check.Require(options.DatasetSize is null or >= 1, nameof(options.DatasetSize), options.DatasetSize, "1 or more, or null");
        check.Require(options.MaxMicroBatchSize >= 1, nameof(options.MaxMicroBatchSize), options.MaxMicroBatchSize, "1 or more");
        check.Require(options.MicroBatchRegrowthInterval is null or >= 1, nameof(options.MicroBatchRegrowthInterval), options.MicroBatchRegrowthInterval, "1 or more, or null never to grow back");
        check.Require(options.NoiseDecay is >= 0 and < 1, nameof(options.NoiseDecay), options.NoiseDecay, "from 0 up to, not including, 1");
        check.Require(
            options.Scaling is null || !options.Scaling.ScalesProgress || options.Schedule is null || options.Schedule.RunsOnSteps,
            nameof(options.Scaling),
            "AdaScale",
            "used with schedules on the steps clock, since it advances the schedule by its gain per step");
        if (options.Schedule is { } schedule && options.BatchSize is { } sizes && options.Scaling is { } scaling)
        {
            int largest = sizes.Constraints.HighestAllowed;
            double peak = schedule.PeakLearningRate;
            double factor = LearningRateScaling.MaxFactor(scaling, largest);
            check.Require(
                !double.IsFinite(peak) || double.IsNaN(factor) || double.IsFinite(peak * factor),
                nameof(options.Scaling),
                string.Create(CultureInfo.InvariantCulture, $"a rule whose factor at the largest batch, {largest}, is {Guard.Format(factor)}"),
                "small enough that it times the schedule's largest learning rate, " + Guard.Format(peak) + ", is finite; a planned learning rate would otherwise overflow to infinity");
        }

        CheckDuration(check, options.Duration, nameof(options.Duration));
        CheckDuration(check, options.EvaluationInterval, nameof(options.EvaluationInterval));
        check.Require(
            options.EvaluationInterval is not { Clock: ProgressClock.Tokens },
            nameof(options.EvaluationInterval),
            options.EvaluationInterval,
            "in steps, samples or epochs, since a plan cannot know a step's tokens before the step");
        check.Defined(options.EpochBoundary, nameof(options.EpochBoundary));
        check.Require(
            options.EpochBoundary == EpochBoundary.Continue || options.DatasetSize is not null,
            nameof(options.EpochBoundary),
            options.EpochBoundary,
            "Continue without a DatasetSize, since an epoch's end is where the dataset is used up");
        check.Require(
            options.DatasetSize is not { } known || options.BatchSize is not { } policy || known >= policy.Constraints.Replicas,
            nameof(options.DatasetSize),
            options.DatasetSize,
            "no less than the replicas, since every step gives each replica at least one sample");
        if (options.DatasetSize is null)
        {
            string? reader = EpochReader(options);
            check.Require(reader is null, nameof(options.DatasetSize), null, "set, since " + reader + " reads the epoch clock, which counts samples over the dataset size; without it epochs would stay at 0");
        }

        check.ThrowIfInvalid();
    }

    private static void CheckDuration(OptionsValidation check, TrainingDuration? duration, string name)
    {
        // A default(TrainingDuration) is the one value the factories cannot make.
        check.Require(duration is not { Value: 0 }, name, duration, "a duration from TrainingDuration's factories, greater than zero");
    }

    /// <summary>Names the first part of the options that reads the epoch clock, or returns <see langword="null"/>.</summary>
    private static string? EpochReader(TrainingPlannerOptions options)
    {
        if (options.Schedule is { } schedule && schedule.Reads(ProgressClock.Epochs))
        {
            return "the schedule";
        }

        IBatchSizePolicy? policy = options.BatchSize is PlateauBatchSizePolicy plateau ? plateau.Base : options.BatchSize;
        if (policy is CurveBatchSizePolicy { Curve.Clock: ProgressClock.Epochs })
        {
            return "the batch-size policy";
        }

        if (options.Duration is { Clock: ProgressClock.Epochs })
        {
            return "the duration";
        }

        return options.EvaluationInterval is { Clock: ProgressClock.Epochs } ? "the evaluation interval" : null;
    }

    private static void Validate(in StepOutcome outcome)
    {
        Guard.Positive(outcome.Samples, "outcome.Samples");
        Guard.NotNegative(outcome.Tokens, "outcome.Tokens");
        if (outcome.Loss is { } loss && !double.IsFinite(loss))
        {
            throw Guard.OutOfRange("outcome.Loss", loss, "a finite number or null; a NaN or infinite loss is refused so it cannot change a schedule");
        }

        if (outcome.Seconds is { } seconds && !(seconds >= 0 && double.IsFinite(seconds)))
        {
            throw Guard.OutOfRange("outcome.Seconds", seconds, "a finite number zero or more, or null");
        }

        outcome.Gradients?.Validate("outcome.Gradients");
    }

    /// <summary>The split the step actually ran: the planned one, or the same rules applied to fewer samples at the end of the data.</summary>
    private BatchPlan Executed(BatchPlan planned, long samples) =>
        samples == planned.GlobalBatchSize || samples % _replicas != 0
            ? planned
            : BatchPlan.Create((int)samples, _microBatchLimit, _replicas, _minAccumulation);

    /// <summary>Gets whether a step of <paramref name="batch"/> samples from stream position <paramref name="offset"/> crosses a multiple of the evaluation interval.</summary>
    private bool CrossesEvaluationPoint(long offset, int batch)
    {
        if (_evaluation is { Clock: ProgressClock.Steps } steps)
        {
            return (_progress.Step + 1) % (long)steps.Value == 0;
        }

        // Samples and epochs count positions in the stream, so a passed-over tail moves an epoch's evaluation point too.
        double before = Math.Floor((_progress.Samples + _skipped) / _evaluationSamples + Tolerance);
        double after = Math.Floor(((offset + (double)batch) / _evaluationSamples) + Tolerance);
        return after > before;
    }

    /// <summary>
    /// Computes the next step: its batch, the samples passed over before it at an epoch's end, and whether it ends training;
    /// returns <see langword="false"/> when training is complete. Samples and epoch durations count positions in the
    /// stream of samples, passed-over ones included.
    /// </summary>
    private bool TryNext(out int batch, out long skip, out bool last)
    {
        batch = 0;
        skip = 0;
        last = false;
        switch (_duration)
        {
            case { Clock: ProgressClock.Steps } d when _progress.Step >= d.Value:
            case { Clock: ProgressClock.Tokens } t when _progress.Tokens >= t.Value:
                return false;
        }

        long position = _progress.Samples + _skipped;
        batch = _policy.GetBatchSize(_progress);
        if (_boundary != EpochBoundary.Continue)
        {
            long size = _datasetSize!.Value;
            long left = size - (position % size);
            if (batch > left)
            {
                long kept = left / _replicas * _replicas;
                if (_boundary == EpochBoundary.Keep && kept > 0)
                {
                    batch = (int)kept;
                }
                else
                {
                    skip = left;
                    if (batch > size && _boundary == EpochBoundary.Drop)
                    {
                        batch = -batch; // a batch larger than the dataset would pass over every epoch: Plan refuses it
                        return true;
                    }

                    batch = (int)Math.Min(batch, size / _replicas * _replicas);
                }
            }
        }

        if (_totalSamples is { } total)
        {
            long remaining = total - position - skip;
            if (remaining < _replicas)
            {
                return false;
            }

            if (batch >= remaining)
            {
                batch = (int)(remaining / _replicas * _replicas);
                last = true;
            }
        }
        else
        {
            last = _duration is { Clock: ProgressClock.Steps } d && _progress.Step + 1 >= d.Value;
        }

        return true;
    }

    /// <summary>Takes the plateau factors in force now; plans already made keep the array they were given.</summary>
    private void RefreshFactors()
    {
        var factors = new double[_factors.Length];
        for (int g = 0; g < factors.Length; g++)
        {
            factors[g] = _plateau!.GetLearningRate(g);
        }

        _factors = factors;
    }

    private void Restore(TrainingPlannerState state)
    {
        if (state.Version != TrainingPlannerState.CurrentVersion)
        {
            throw Guard.OutOfRange("state.Version", state.Version, "the format this version of BatchLr reads, " + TrainingPlannerState.CurrentVersion.ToString(CultureInfo.InvariantCulture));
        }

        if (state.Fingerprint is { } fingerprint && !string.Equals(fingerprint, _fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                "'state.Fingerprint' is " + fingerprint + "; it must be " + _fingerprint + ", the fingerprint of this planner's configuration. "
                + "The state was saved by a planner configured otherwise (another schedule, batch policy, scaling rule, duration or dataset size), "
                + "so resuming would plan something else. Resume with the options the state was saved with, or, to resume anyway, clear it: state with { Fingerprint = null }.",
                nameof(state));
        }

        if (state.Noise is null)
        {
            throw new ArgumentNullException("state.Noise", "'state.Noise' is null; a saved planner state always holds the noise estimator's state.");
        }

        Guard.NotNegative(state.Step, "state.Step");
        Guard.NotNegative(state.Samples, "state.Samples");
        Guard.NotNegative(state.Tokens, "state.Tokens");
        if (!(state.SchedulePosition >= 0) || double.IsPositiveInfinity(state.SchedulePosition))
        {
            throw Guard.OutOfRange("state.SchedulePosition", state.SchedulePosition, "a finite number zero or more");
        }

        if ((state.Plateau is null) != (_plateau is null))
        {
            throw new ArgumentException("'state.Plateau' must be set exactly when the schedule has a reduce-on-plateau part.", nameof(state));
        }

        if ((state.BatchSize is null) != (_adaptive is null))
        {
            throw new ArgumentException("'state.BatchSize' must be set exactly when the batch-size policy is adaptive.", nameof(state));
        }

        // The adaptive policy belongs to the caller: restore it last, once everything this planner owns has been restored.
        if (state.Plateau is not null)
        {
            _plateau!.Restore(state.Plateau);
        }

        if (state.BatchSize is not null)
        {
            _adaptive!.Restore(state.BatchSize);
        }

        if (_plateau is not null)
        {
            RefreshFactors();
        }

        Guard.NotNegative(state.SkippedSamples, "state.SkippedSamples");
        if (state.MicroBatchLimit is { } limit && (limit < 1 || limit > _maxMicroBatch))
        {
            throw Guard.OutOfRange("state.MicroBatchLimit", limit, "from 1 to MaxMicroBatchSize, " + _maxMicroBatch.ToString(CultureInfo.InvariantCulture) + ", or null");
        }

        Guard.NotNegative(state.StepsSinceShrink, "state.StepsSinceShrink");
        _skipped = state.SkippedSamples;
        _microBatchLimit = state.MicroBatchLimit ?? _maxMicroBatch;
        _stepsSinceShrink = state.StepsSinceShrink;
        _progress = new TrainingProgress(
            state.Step,
            state.Samples,
            state.Tokens,
            _datasetSize is { } size ? (double)(state.Samples + state.SkippedSamples) / size : 0.0);
        _position = state.SchedulePosition;
    }
}
