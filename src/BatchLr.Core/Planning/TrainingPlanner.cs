using System;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Internal;
using BatchLr.Scaling;
using BatchLr.Schedules;

namespace BatchLr;

/// <summary>Plans every optimizer step of a training loop: its batch, split into micro-batches, and the learning rate and momentum of each group.</summary>
/// <remarks>
/// <para>
/// Call <see cref="Plan"/> before a step and <see cref="Complete(in StepOutcome)"/> after it. The planner keeps the
/// clocks right when the batch varies: steps count optimizer steps, samples and tokens count what the steps actually
/// consumed, and the epoch is samples over the dataset size, so an epoch ends when the data is used up.
/// </para>
/// <para>
/// The learning rate of a step is the schedule's value times the scaling rule's factor at the step's batch size. Under
/// AdaScale the schedule's position advances by that factor per step instead of by one. Metrics go to the reactive
/// parts (reduce-on-plateau, an adaptive batch policy), gradient norms to the noise estimator.
/// </para>
/// <para>The whole state is <see cref="State"/>; a planner built from it plans exactly what the original would have.</para>
/// <para>
/// The reactive parts (a reduce-on-plateau schedule, an adaptive batch policy) are objects of the options and keep their
/// state in themselves, so give each planner its own: <see cref="ScheduleSpec.BuildPlannerOptions(long?)"/>
/// builds fresh ones on every call.
/// </para>
/// </remarks>
public sealed class TrainingPlanner
{
    private readonly OptimizerSchedule _schedule;
    private readonly IBatchSizePolicy _policy;
    private readonly IAdaptiveBatchSizePolicy? _adaptive;
    private readonly ILearningRateScaling _scaling;
    private readonly long? _datasetSize;
    private readonly int _maxMicroBatch;
    private readonly GradientNoiseEstimator _noise;
    private TrainingProgress _progress;
    private double _position;

    /// <summary>Initializes a new instance of the <see cref="TrainingPlanner"/> class.</summary>
    /// <param name="options">The configuration; checked once.</param>
    /// <param name="state">A saved state to resume from; <see langword="null"/> to start training.</param>
    /// <exception cref="ArgumentException">An option or a field of the state breaks its rule; the message lists every broken option rule.</exception>
    public TrainingPlanner(TrainingPlannerOptions options, TrainingPlannerState? state = null)
    {
        Guard.NotNull(options);
        var check = new OptionsValidation(nameof(options));
        check.Require(options.Schedule is not null, nameof(options.Schedule), null, "set");
        check.Require(options.BatchSize is not null, nameof(options.BatchSize), null, "set");
        check.Require(options.Scaling is not null, nameof(options.Scaling), null, "set");
        check.Require(options.DatasetSize is null or >= 1, nameof(options.DatasetSize), options.DatasetSize, "1 or more, or null");
        check.Require(options.MaxMicroBatchSize >= 1, nameof(options.MaxMicroBatchSize), options.MaxMicroBatchSize, "1 or more");
        check.Require(options.NoiseDecay is >= 0 and < 1, nameof(options.NoiseDecay), options.NoiseDecay, "from 0 up to, not including, 1");
        check.Require(
            options.Scaling is null || !options.Scaling.ScalesProgress || options.Schedule is null || options.Schedule.RunsOnSteps,
            nameof(options.Scaling),
            "AdaScale",
            "used with schedules on the steps clock, since it advances the schedule by its gain per step");
        check.ThrowIfInvalid();

        _schedule = options.Schedule!;
        _policy = options.BatchSize!;
        _adaptive = _policy as IAdaptiveBatchSizePolicy;
        _scaling = options.Scaling!;
        _datasetSize = options.DatasetSize;
        _maxMicroBatch = options.MaxMicroBatchSize;
        _noise = new GradientNoiseEstimator(options.NoiseDecay, state?.Noise);
        if (state is not null)
        {
            Restore(state);
        }
    }

    /// <summary>Gets the training progress: what has been completed so far.</summary>
    public TrainingProgress Progress => _progress;

    /// <summary>Gets the current gradient-noise estimates.</summary>
    public GradientNoise Noise => _noise.Current;

    /// <summary>Gets a snapshot of the whole state, to save with a checkpoint.</summary>
    public TrainingPlannerState State => new(
        _progress.Step,
        _progress.Samples,
        _progress.Tokens,
        _position,
        _noise.State,
        _schedule.Plateau?.State,
        _adaptive?.State);

    /// <summary>Returns the plan for the next step. Asking again before <see cref="Complete(in StepOutcome)"/> gives the same plan.</summary>
    /// <returns>The batch plan, and the learning rate and momentum of each group.</returns>
    public StepPlan Plan()
    {
        int batch = _policy.GetBatchSize(_progress);
        var split = BatchPlan.Create(batch, _maxMicroBatch, _policy.Constraints.Replicas);
        double factor = _scaling.GetFactor(batch, _noise.Current);
        return new StepPlan(_schedule, _progress, _scaling.ScalesProgress ? _position : double.NaN, split, factor);
    }

    /// <summary>Records what the planned step did and advances the clocks.</summary>
    /// <param name="outcome">What happened: the samples consumed, and whatever else the loop measured.</param>
    /// <exception cref="ArgumentException">A field of <paramref name="outcome"/> breaks its rule; nothing changes.</exception>
    public void Complete(in StepOutcome outcome)
    {
        Validate(outcome);
        int batch = _policy.GetBatchSize(_progress);
        double advance = _scaling.ScalesProgress ? _scaling.GetFactor(batch, _noise.Current) : 1.0;

        if (outcome.Gradients is { } gradients)
        {
            _noise.Observe(gradients);
        }

        long samples = _progress.Samples + outcome.Samples;
        double epoch = _datasetSize is { } size ? (double)samples / size : 0.0;
        _progress = new TrainingProgress(_progress.Step + 1, samples, _progress.Tokens + outcome.Tokens, epoch);
        _position += advance;

        _adaptive?.Observe(new BatchFeedback(_progress, BatchPlan.Create(batch, _maxMicroBatch, _policy.Constraints.Replicas))
        {
            MaxMicroBatchSize = _maxMicroBatch,
            Loss = outcome.Loss,
            Noise = _noise.Current,
            StepSeconds = outcome.Seconds,
        });
    }

    /// <summary>Reports a metric measured between steps, such as a validation loss, to the reactive parts.</summary>
    /// <param name="metric">The metric; finite.</param>
    /// <remarks>The next <see cref="Plan"/> is the first to see its effect; a plan already returned keeps its values.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is NaN or infinite; nothing changes.</exception>
    public void Report(double metric)
    {
        if (!double.IsFinite(metric))
        {
            throw Guard.OutOfRange(nameof(metric), metric, "a finite number; a NaN or infinite metric is refused so it cannot change a schedule");
        }

        _schedule.Report(metric);
        _adaptive?.Report(metric);
    }

    private static void Validate(in StepOutcome outcome)
    {
        Guard.Positive(outcome.Samples, "outcome.Samples");
        Guard.NotNegative(outcome.Tokens, "outcome.Tokens");
        if (outcome.Loss is { } loss && !double.IsFinite(loss))
        {
            throw Guard.OutOfRange("outcome.Loss", loss, "a finite number or null");
        }

        if (outcome.Seconds is { } seconds && !(seconds >= 0 && double.IsFinite(seconds)))
        {
            throw Guard.OutOfRange("outcome.Seconds", seconds, "a finite number zero or more, or null");
        }

        outcome.Gradients?.Validate("outcome.Gradients");
    }

    private void Restore(TrainingPlannerState state)
    {
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

        if ((state.Plateau is null) != (_schedule.Plateau is null))
        {
            throw new ArgumentException("'state.Plateau' must be set exactly when the schedule has a reduce-on-plateau part.", nameof(state));
        }

        if ((state.BatchSize is null) != (_adaptive is null))
        {
            throw new ArgumentException("'state.BatchSize' must be set exactly when the batch-size policy is adaptive.", nameof(state));
        }

        // The policy and the reduce-on-plateau schedule belong to the caller: restore both or neither.
        AdaptiveBatchState? previous = _adaptive?.State;
        if (state.BatchSize is not null)
        {
            _adaptive!.Restore(state.BatchSize);
        }

        if (state.Plateau is not null)
        {
            try
            {
                _schedule.Plateau!.Restore(state.Plateau);
            }
            catch (ArgumentException)
            {
                _adaptive?.Restore(previous!);
                throw;
            }
        }

        _progress = new TrainingProgress(
            state.Step,
            state.Samples,
            state.Tokens,
            _datasetSize is { } size ? (double)state.Samples / size : 0.0);
        _position = state.SchedulePosition;
    }
}
