using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Internal;
using BatchLr.Schedules;

namespace BatchLr.Batching;

/// <summary>Creates closed-form batch-size policies.</summary>
/// <remarks>
/// <para>
/// Each policy is a curve of the wanted size, read on a clock, then mapped to the nearest size its
/// <see cref="BatchSizeConstraints"/> allow. Any schedule of <see cref="Schedule"/> can serve as the curve
/// through <see cref="FromCurve(LearningRateSchedule, BatchSizeConstraints?)"/>.
/// </para>
/// <para>
/// Thread safety: the closed-form policies are immutable and may be asked from any number of threads and shared by any
/// number of planners. The adaptive ones (<see cref="NoiseAdaptive"/>, <see cref="Goodput"/>, <see cref="OnPlateau"/>) keep
/// state that each step changes: they are not thread-safe, and each belongs to one planner.
/// </para>
/// </remarks>
public static class BatchSizePolicy
{
    /// <summary>Creates a policy that always returns the same size.</summary>
    /// <param name="batchSize">The global batch; 1 or more and allowed by <paramref name="constraints"/>.</param>
    /// <param name="constraints">The rules; <see langword="null"/> for <see cref="BatchSizeConstraints.None"/>.</param>
    /// <returns>The fixed policy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not allowed.</exception>
    public static IBatchSizePolicy Fixed(int batchSize, BatchSizeConstraints? constraints = null)
    {
        Guard.Positive(batchSize);
        constraints ??= BatchSizeConstraints.None;
        if (!constraints.Allows(batchSize))
        {
            throw Guard.OutOfRange(nameof(batchSize), batchSize, string.Create(CultureInfo.InvariantCulture, $"a multiple of {constraints.Granularity} between {constraints.LowestAllowed} and {constraints.HighestAllowed}"));
        }

        return new CurveBatchSizePolicy(Schedule.Constant(batchSize), constraints);
    }

    /// <summary>Creates a policy that changes size at milestones.</summary>
    /// <param name="milestones">Where each size after the first starts; strictly ascending, zero or more, one fewer than <paramref name="sizes"/>.</param>
    /// <param name="sizes">The sizes, in order; each 1 or more.</param>
    /// <param name="clock">The clock the milestones are measured on. The default is <see cref="ProgressClock.Steps"/>.</param>
    /// <param name="constraints">The rules; <see langword="null"/> for <see cref="BatchSizeConstraints.None"/>.</param>
    /// <returns>The step-ramp policy: <c>sizes[i]</c> on <c>[milestones[i-1], milestones[i])</c>, rounded to the constraints.</returns>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static IBatchSizePolicy Steps(IReadOnlyList<double> milestones, IReadOnlyList<int> sizes, ProgressClock clock = ProgressClock.Steps, BatchSizeConstraints? constraints = null)
    {
        Guard.NotNull(sizes);
        var values = new double[sizes.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (sizes[i] < 1)
            {
                throw Guard.OutOfRange(string.Create(CultureInfo.InvariantCulture, $"sizes[{i}]"), sizes[i], "1 or more");
            }

            values[i] = sizes[i];
        }

        double[] bounds = Guard.SortedFinite(milestones, allowEmpty: true);
        if (bounds.Length != values.Length - 1)
        {
            throw Guard.OutOfRange("milestones.Count", bounds.Length, "one fewer than sizes.Count, " + (values.Length - 1).ToString(CultureInfo.InvariantCulture));
        }

        return FromCurve(Schedule.PiecewiseConstant(bounds, values).On(clock), constraints);
    }

    /// <summary>Creates Megatron-LM's linear batch ramp by samples (<c>--rampup-batch-size start increment ramp_samples</c>).</summary>
    /// <param name="start">The first batch size; 1 or more and less than <paramref name="target"/>.</param>
    /// <param name="increment">The growth per interval; 1 or more, dividing <c>target - start</c>.</param>
    /// <param name="rampSamples">The samples over which the batch grows; greater than zero.</param>
    /// <param name="target">The final batch size.</param>
    /// <param name="constraints">The rules; <see langword="null"/> for <see cref="BatchSizeConstraints.None"/>.</param>
    /// <returns>The ramp policy, on <see cref="ProgressClock.Samples"/>.</returns>
    /// <remarks>With <c>n = (target - start) / increment</c>: <c>B(s) = start + floor(s / (rampSamples / n)) · increment</c> while <c>s ≤ rampSamples</c>, then <c>target</c>.</remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static IBatchSizePolicy LinearRamp(int start, int increment, long rampSamples, int target, BatchSizeConstraints? constraints = null)
    {
        Guard.Positive(start);
        Guard.Positive(increment);
        Guard.Positive(rampSamples);
        if (target <= start)
        {
            throw Guard.OutOfRange(nameof(target), target, "greater than start, " + start.ToString(CultureInfo.InvariantCulture));
        }

        if ((target - start) % increment != 0)
        {
            throw Guard.OutOfRange(nameof(increment), increment, string.Create(CultureInfo.InvariantCulture, $"a divisor of target - start, {target - start}"));
        }

        // Megatron requires every size of the ramp to split evenly; so do the constraints here.
        constraints ??= BatchSizeConstraints.None;
        foreach ((string name, int value) in new[] { (nameof(start), start), (nameof(increment), increment), (nameof(target), target) })
        {
            if (value % constraints.Granularity != 0)
            {
                throw Guard.OutOfRange(name, value, "a multiple of the constraints' granularity, " + constraints.Granularity.ToString(CultureInfo.InvariantCulture) + ", so every size of the ramp is allowed");
            }
        }

        return FromCurve(new IncrementRampCurve(start, increment, target, rampSamples).On(ProgressClock.Samples), constraints);
    }

    /// <summary>Creates a linear warmup of the batch size by tokens, as GPT-3 grew its batch over the first billions of tokens.</summary>
    /// <param name="start">The first batch size; 1 or more.</param>
    /// <param name="target">The final batch size; no less than <paramref name="start"/>.</param>
    /// <param name="rampTokens">The tokens over which the batch grows; greater than zero.</param>
    /// <param name="constraints">The rules, whose multiple sets the rounding; <see langword="null"/> for <see cref="BatchSizeConstraints.None"/>.</param>
    /// <returns>The ramp policy, on <see cref="ProgressClock.Tokens"/>: <c>B(k) = start + (target - start) · min(k, rampTokens) / rampTokens</c>, rounded.</returns>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static IBatchSizePolicy TokenRamp(int start, int target, long rampTokens, BatchSizeConstraints? constraints = null)
    {
        Guard.Positive(start);
        if (target < start)
        {
            throw Guard.OutOfRange(nameof(target), target, "no less than start, " + start.ToString(CultureInfo.InvariantCulture));
        }

        Guard.Positive(rampTokens);
        return FromCurve(Schedule.Linear(start, target, rampTokens).On(ProgressClock.Tokens), constraints);
    }

    /// <summary>Creates geometric growth: the batch is multiplied by a factor every interval, up to a maximum (Smith et al. 2018, "Don't Decay the Learning Rate, Increase the Batch Size").</summary>
    /// <param name="initial">The first batch size; 1 or more.</param>
    /// <param name="factor">The growth per interval; greater than 1.</param>
    /// <param name="interval">The length of an interval on <paramref name="clock"/>; greater than zero.</param>
    /// <param name="maximum">The largest batch; no less than <paramref name="initial"/>.</param>
    /// <param name="clock">The clock of the interval, typically <see cref="ProgressClock.Epochs"/>. The default is <see cref="ProgressClock.Epochs"/>.</param>
    /// <param name="constraints">Further rules (multiple, replicas); its maximum is lowered to <paramref name="maximum"/>. <see langword="null"/> for none.</param>
    /// <returns>The geometric policy: <c>B(t) = min(initial · factor^floor(t / interval), maximum)</c>, rounded.</returns>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static IBatchSizePolicy Geometric(int initial, double factor, double interval, int maximum, ProgressClock clock = ProgressClock.Epochs, BatchSizeConstraints? constraints = null)
    {
        Guard.Positive(initial);
        if (!(factor > 1) || double.IsPositiveInfinity(factor))
        {
            throw Guard.OutOfRange(nameof(factor), factor, "a finite number greater than 1");
        }

        Guard.Positive(interval);
        if (maximum < initial)
        {
            throw Guard.OutOfRange(nameof(maximum), maximum, "no less than initial, " + initial.ToString(CultureInfo.InvariantCulture));
        }

        constraints ??= BatchSizeConstraints.None;
        BatchSizeConstraints capped = constraints.WithMaximum(maximum);

        // The staircase grows without end, which a learning-rate factory refuses; held at the maximum it stays finite.
        LearningRateSchedule growth = new Schedules.Families.ExponentialSchedule(initial, factor, interval, staircase: true);
        return FromCurve(growth.Clamp(initial, maximum).On(clock), capped);
    }

    /// <summary>Creates a periodic policy: the batch rises from a minimum to a maximum and back in triangular cycles.</summary>
    /// <param name="minimum">The size at the start of each cycle; 1 or more.</param>
    /// <param name="maximum">The size at mid-cycle; no less than <paramref name="minimum"/>.</param>
    /// <param name="period">The length of a whole cycle on <paramref name="clock"/>; greater than zero.</param>
    /// <param name="clock">The clock of the period. The default is <see cref="ProgressClock.Steps"/>.</param>
    /// <param name="constraints">The rules; <see langword="null"/> for <see cref="BatchSizeConstraints.None"/>.</param>
    /// <returns>The cyclic policy, the triangular curve of <see cref="Schedule.Cyclic(CyclicOptions)"/> with half the period up and half down, rounded.</returns>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static IBatchSizePolicy Cyclic(int minimum, int maximum, double period, ProgressClock clock = ProgressClock.Steps, BatchSizeConstraints? constraints = null)
    {
        Guard.Positive(minimum);
        if (maximum < minimum)
        {
            throw Guard.OutOfRange(nameof(maximum), maximum, "no less than minimum, " + minimum.ToString(CultureInfo.InvariantCulture));
        }

        Guard.Positive(period);
        if (!(period / 2 > 0))
        {
            throw Guard.OutOfRange(nameof(period), period, "large enough that half of it, the rise, is greater than zero");
        }

        var curve = Schedule.Cyclic(new CyclicOptions { BaseLearningRate = minimum, MaxLearningRate = maximum, StepSizeUp = period / 2 });
        return FromCurve(curve.On(clock), constraints);
    }

    /// <summary>Creates the batch-size equivalent of a learning-rate decay: the batch grows where the schedule would decay the rate ("Don't Decay the Learning Rate, Increase the Batch Size", Smith et al. 2018).</summary>
    /// <param name="schedule">The learning-rate schedule to mirror, on the clock to follow (samples keep the equivalence exact when the batch changes); its value at <paramref name="warmup"/> must be greater than zero.</param>
    /// <param name="referenceBatchSize">The batch the schedule was tuned for, <c>B0</c>; 1 or more.</param>
    /// <param name="maximumBatchSize">The largest batch; no less than <paramref name="referenceBatchSize"/>.</param>
    /// <param name="constraints">Further rules (multiple, replicas); its maximum is lowered to <paramref name="maximumBatchSize"/>. <see langword="null"/> for none.</param>
    /// <param name="warmup">
    /// The length of the schedule's warmup on its clock, <c>w</c>: where it stops rising, so <c>η(w)</c> is its peak; finite,
    /// zero or more. The default is 0, for a schedule without a warmup.
    /// </param>
    /// <returns>The policy <c>B(s) = B0</c> for <c>s &lt; w</c>, then <c>B(s) = min(max, B0 · η(w) / η(s))</c>, rounded to the constraints.</returns>
    /// <remarks>
    /// <para>
    /// Pair it with <see cref="Scaling.LearningRateScaling.Linear(int)"/> at <paramref name="referenceBatchSize"/> and the same
    /// <paramref name="schedule"/>: the learning rate is then <c>η(s) · B(s) / B0</c>, so the SGD noise scale
    /// <c>lr / B = η(s) / B0</c> matches the original schedule's at every point, the warmup included, and once the batch
    /// reaches its maximum the remaining decay is applied to the learning rate.
    /// </para>
    /// <para>
    /// Smith et al. replace decays only, so the batch refers to the schedule's peak after the warmup, <c>η(w)</c>, not to
    /// <c>η(0)</c>: a warmup from 1e-3 to 0.1 would otherwise shrink the batch a hundredfold at its end. A warmup is rising
    /// learning rate at constant batch, so the batch stays at <c>B0</c> until <c>w</c>. The peak is passed, not searched
    /// for, so the policy stays a closed form; to catch a forgotten warmup, a schedule still rising one unit of its clock
    /// after <c>w</c> (<c>η(w + 1) &gt; η(w)</c>) is refused. A rate that later rises above <c>η(w)</c> gives a batch
    /// below <c>B0</c>, which keeps <c>lr / B</c> exact.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule, or the schedule rises right after <paramref name="warmup"/>.</exception>
    public static IBatchSizePolicy DecayEquivalent(LearningRateSchedule schedule, int referenceBatchSize, int maximumBatchSize, BatchSizeConstraints? constraints = null, double warmup = 0.0)
    {
        Guard.NotNull(schedule);
        Guard.Positive(referenceBatchSize);
        if (maximumBatchSize < referenceBatchSize)
        {
            throw Guard.OutOfRange(nameof(maximumBatchSize), maximumBatchSize, "no less than referenceBatchSize, " + referenceBatchSize.ToString(CultureInfo.InvariantCulture));
        }

        Guard.FiniteNotNegative(warmup);
        double peak = schedule.Evaluate(warmup);
        if (!(peak > 0))
        {
            throw Guard.OutOfRange(nameof(schedule), peak, "a schedule whose value where its warmup ends, at " + Guard.Format(warmup) + ", is greater than zero; pass the warmup's length as warmup");
        }

        double next = schedule.Evaluate(warmup + 1);
        if (next > peak)
        {
            throw Guard.OutOfRange(
                nameof(warmup),
                warmup,
                string.Create(CultureInfo.InvariantCulture, $"where the schedule stops rising, so the batch refers to its peak; it rises from {Guard.Format(peak)} there to {Guard.Format(next)} one unit later: pass the length of its warmup"));
        }

        constraints ??= BatchSizeConstraints.None;
        BatchSizeConstraints capped = constraints.WithMaximum(maximumBatchSize);
        return new CurveBatchSizePolicy(new DecayEquivalentCurve(schedule, referenceBatchSize, maximumBatchSize, warmup), capped);
    }

    /// <summary>Puts a factor on top of a closed-form policy that changes each time a watched metric stops improving: "ramp the batch, and grow it further when validation stalls".</summary>
    /// <param name="basePolicy">The closed-form policy the factor multiplies, such as <see cref="Fixed(int, BatchSizeConstraints?)"/> or <see cref="Geometric"/>; its constraints bound every size.</param>
    /// <param name="options">The plateau rules and the factor; checked once and copied.</param>
    /// <returns>
    /// The adaptive policy <c>B(t) = constrain(base(t) · m)</c>, where <c>m</c> starts at 1 and is multiplied by
    /// <see cref="PlateauBatchSizeOptions.Factor"/> at each plateau. Until the first plateau it answers exactly what
    /// <paramref name="basePolicy"/> answers. It watches the metrics reported through
    /// <see cref="IAdaptiveBatchSizePolicy.Report(double)"/>, or the training losses of <see cref="BatchFeedback.Loss"/>, as
    /// <see cref="Feedback.PlateauOptions.Monitor"/> says.
    /// </returns>
    /// <remarks>Because the factor compounds, a factor whose product rounds back to the same allowed size still moves the batch at a later plateau, once the product passes halfway to the next allowed size.</remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="basePolicy"/> is adaptive, or an option breaks its rule; the message lists every broken rule.</exception>
    public static IAdaptiveBatchSizePolicy OnPlateau(IBatchSizePolicy basePolicy, PlateauBatchSizeOptions options)
    {
        Guard.NotNull(basePolicy);
        Guard.NotNull(options);
        if (basePolicy is IAdaptiveBatchSizePolicy)
        {
            throw new ArgumentException("'basePolicy' is adaptive; a plateau factor goes on top of a closed-form policy (Fixed, Steps, Geometric, ...), since an adaptive policy already decides from feedback.", nameof(basePolicy));
        }

        var check = new OptionsValidation(nameof(options));
        options.Validate(check);
        check.Require(options.Factor > 0 && options.Factor != 1 && double.IsFinite(options.Factor), nameof(options.Factor), options.Factor, "a finite number greater than zero and not 1");
        check.ThrowIfInvalid();
        return new PlateauBatchSizePolicy(basePolicy, options.CopyTo(new PlateauBatchSizeOptions { Factor = options.Factor }));
    }

    /// <summary>Creates a gradient-noise-adaptive policy: the batch follows the measured critical batch size, clamped and rate-limited.</summary>
    /// <param name="options">The configuration; checked once and copied.</param>
    /// <returns>The adaptive policy; it reads <see cref="BatchFeedback.Noise"/>.</returns>
    /// <remarks>
    /// Every <c>UpdateInterval</c> steps with a known noise scale: <c>B ← constrain(clamp(clamp(k · B_simple, min, max), B / f, B · f))</c>,
    /// where <c>[min, max]</c> are the constraints' allowed bounds. <c>B_simple = +∞</c> (a vanishing <c>|G|²</c>, see
    /// <see cref="Feedback.GradientNoise"/>) targets the maximum. Following the critical batch size is McCandlish et al. (2018);
    /// the estimates' smoothing (<see cref="TrainingPlannerOptions.NoiseDecay"/>) sets how steadily the batch follows it.
    /// </remarks>
    /// <exception cref="ArgumentException">An option breaks its rule; the message lists every broken rule.</exception>
    public static IAdaptiveBatchSizePolicy NoiseAdaptive(NoiseAdaptiveBatchSizeOptions options)
    {
        Guard.NotNull(options);
        var check = new OptionsValidation(nameof(options));
        CheckInitial(check, options.InitialBatchSize, options.Constraints);
        check.Positive(options.TargetMultiple, nameof(options.TargetMultiple));
        check.Require(options.MaxChangeFactor > 1 && double.IsFinite(options.MaxChangeFactor), nameof(options.MaxChangeFactor), options.MaxChangeFactor, "a finite number greater than 1");
        check.Require(options.UpdateInterval >= 1, nameof(options.UpdateInterval), options.UpdateInterval, "1 or more");
        check.ThrowIfInvalid();
        return new NoiseAdaptiveBatchSizePolicy(options);
    }

    /// <summary>Creates a goodput-adaptive policy (Qiao et al. 2021, Pollux): the candidate with the best predicted throughput × statistical efficiency.</summary>
    /// <param name="options">The configuration; checked once and copied.</param>
    /// <returns>
    /// The adaptive policy; it reads <see cref="BatchFeedback.StepSeconds"/>, <see cref="BatchFeedback.Batch"/>,
    /// <see cref="BatchFeedback.MaxMicroBatchSize"/> and <see cref="BatchFeedback.Noise"/>.
    /// </returns>
    /// <remarks>
    /// <para>
    /// <c>goodput(M) = M / T(M) · (φ + M0) / (φ + M)</c>, with <c>φ</c> the noise scale (efficiency 1 when <c>φ = +∞</c>) and
    /// <c>M0</c> the initial batch. The step time of a split into <c>R</c> replicas of <c>A</c> micro-batches, <c>B_r</c> samples
    /// each, is <c>T = α · A + β · B_r + δ · [R &gt; 1]</c>: <c>α + β · m</c> per micro-batch of <c>m</c> samples, as Pollux
    /// models compute, plus one synchronisation per step on more than one replica; <c>α, β, δ ≥ 0</c> are fitted by least
    /// squares to the timed steps.
    /// </para>
    /// <para>
    /// The candidates are <c>M0 · ratio^k</c> from <c>M0</c> up to the constraints' largest allowed size, and that size, as
    /// Pollux searches <c>[M0, max]</c>; set a maximum, or the grid reaches <see cref="int.MaxValue"/>. While some candidate's
    /// split cannot be predicted from the splits timed so far, the policy times the nearest such candidate for one interval;
    /// then it takes the best candidate, and later switches only for a predicted gain above the threshold. When the model's
    /// root-mean-square relative error over an interval exceeds <c>ResidualThreshold</c>, it forgets its timings and explores again.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">An option breaks its rule; the message lists every broken rule.</exception>
    public static IAdaptiveBatchSizePolicy Goodput(GoodputBatchSizeOptions options)
    {
        Guard.NotNull(options);
        var check = new OptionsValidation(nameof(options));
        CheckInitial(check, options.InitialBatchSize, options.Constraints);
        check.Require(options.CandidateRatio > 1 && double.IsFinite(options.CandidateRatio), nameof(options.CandidateRatio), options.CandidateRatio, "a finite number greater than 1");
        if (options.CandidateRatio > 1 && options.Constraints is { } limits && options.InitialBatchSize >= 1)
        {
            // The grid M0 · ratio^k up to the largest size is built once and searched at every decision: keep it small.
            double span = Math.Max(1.0, (double)limits.HighestAllowed / options.InitialBatchSize);
            double least = Math.Pow(span, 1.0 / GoodputBatchSizePolicy.MaxCandidates);
            check.Require(
                options.CandidateRatio >= least,
                nameof(options.CandidateRatio),
                options.CandidateRatio,
                string.Create(CultureInfo.InvariantCulture, $"at least {Guard.Format(least)}, so the grid from InitialBatchSize to the largest allowed size, {limits.HighestAllowed}, holds at most {GoodputBatchSizePolicy.MaxCandidates} candidates"));
        }

        check.FiniteNotNegative(options.SwitchThreshold, nameof(options.SwitchThreshold));
        check.Require(options.UpdateInterval >= 1, nameof(options.UpdateInterval), options.UpdateInterval, "1 or more");
        check.Positive(options.ResidualThreshold, nameof(options.ResidualThreshold));
        check.ThrowIfInvalid();
        return new GoodputBatchSizePolicy(options);
    }

    /// <summary>Creates a policy that follows any closed-form curve of the wanted size.</summary>
    /// <param name="curve">The wanted size as a function of progress, read on its own clock.</param>
    /// <param name="constraints">The rules; <see langword="null"/> for <see cref="BatchSizeConstraints.None"/>.</param>
    /// <returns>The policy: the curve's value, mapped to the nearest allowed size.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="curve"/> is <see langword="null"/>.</exception>
    public static IBatchSizePolicy FromCurve(LearningRateSchedule curve, BatchSizeConstraints? constraints = null) =>
        new CurveBatchSizePolicy(Guard.NotNull(curve), constraints ?? BatchSizeConstraints.None);

    private static void CheckInitial(OptionsValidation check, int initial, BatchSizeConstraints? constraints)
    {
        check.Require(constraints is not null, "Constraints", null, "set");
        if (constraints is not null)
        {
            check.Require(
                constraints.Allows(initial),
                "InitialBatchSize",
                initial,
                string.Create(CultureInfo.InvariantCulture, $"a multiple of {constraints.Granularity} between {constraints.LowestAllowed} and {constraints.HighestAllowed}"));
        }
    }
}
