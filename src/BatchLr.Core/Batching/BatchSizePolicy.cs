using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Internal;
using BatchLr.Schedules;

namespace BatchLr.Batching;

/// <summary>Creates closed-form batch-size policies.</summary>
/// <remarks>
/// Each policy is a curve of the wanted size, read on a clock, then mapped to the nearest size its
/// <see cref="BatchSizeConstraints"/> allow. Any schedule of <see cref="Schedule"/> can serve as the curve
/// through <see cref="FromCurve(LearningRateSchedule, BatchSizeConstraints?)"/>.
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

        return FromCurve(Schedule.PiecewiseConstant(milestones, values).On(clock), constraints);
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
        var capped = new BatchSizeConstraints(constraints.Minimum, Math.Min(maximum, constraints.Maximum), constraints.Multiple, constraints.Replicas, constraints.ElasticReplicaCounts);
        return FromCurve(Schedule.Step(initial, interval, factor).Clamp(0, maximum).On(clock), capped);
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
        var curve = Schedule.Cyclic(new CyclicOptions { BaseLearningRate = minimum, MaxLearningRate = maximum, StepSizeUp = period / 2 });
        return FromCurve(curve.On(clock), constraints);
    }

    /// <summary>Creates a policy that follows any closed-form curve of the wanted size.</summary>
    /// <param name="curve">The wanted size as a function of progress, read on its own clock.</param>
    /// <param name="constraints">The rules; <see langword="null"/> for <see cref="BatchSizeConstraints.None"/>.</param>
    /// <returns>The policy: the curve's value, mapped to the nearest allowed size.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="curve"/> is <see langword="null"/>.</exception>
    public static IBatchSizePolicy FromCurve(LearningRateSchedule curve, BatchSizeConstraints? constraints = null) =>
        new CurveBatchSizePolicy(Guard.NotNull(curve), constraints ?? BatchSizeConstraints.None);
}
