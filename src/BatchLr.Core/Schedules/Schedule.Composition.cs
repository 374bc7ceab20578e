using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Internal;
using BatchLr.Schedules.Composition;

namespace BatchLr.Schedules;

/// <content>Wrappers that take schedules and return schedules.</content>
public static partial class Schedule
{
    /// <summary>Puts a warmup in front of a schedule.</summary>
    /// <param name="schedule">The schedule to warm up.</param>
    /// <param name="duration">The length of the warmup; greater than zero.</param>
    /// <param name="startValue">The value at position 0; finite. The default is 0.</param>
    /// <param name="shape">The curve of the rise. The default is <see cref="AnnealShape.Linear"/>.</param>
    /// <param name="mode">Whether the warmup is added before the schedule or replaces its start. The default is <see cref="WarmupMode.Prefix"/>.</param>
    /// <returns>The warmed-up schedule, on the clock of <paramref name="schedule"/>.</returns>
    /// <remarks>
    /// With <c>p = t / duration</c> and target <c>T</c> (the schedule at 0 for a prefix, at <c>duration</c> for an overlap):
    /// <c>v = start + (T - start) · rise(p)</c>, where <c>rise</c> is <c>p</c>, <c>(1 - cos(π p)) / 2</c>, <c>1 - sqrt(1 - p)</c>,
    /// or geometric, <c>start · (T / start)^p</c>. After the warmup a prefix runs the schedule from its own zero,
    /// an overlap runs it on the shared clock.
    /// </remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule WithWarmup(
        this LearningRateSchedule schedule,
        double duration,
        double startValue = 0.0,
        AnnealShape shape = AnnealShape.Linear,
        WarmupMode mode = WarmupMode.Prefix)
    {
        Guard.NotNull(schedule);
        Guard.Positive(duration);
        Guard.Finite(startValue);
        Guard.Defined(shape);
        Guard.Defined(mode);
        if (shape == AnnealShape.Exponential)
        {
            Guard.Positive(startValue);
            double target = schedule.EvaluateCore(mode == WarmupMode.Prefix ? 0.0 : duration);
            if (!(target > 0))
            {
                throw Guard.OutOfRange(nameof(schedule), target, "greater than zero where an exponential warmup ends");
            }
        }

        return new WarmupSchedule(schedule, duration, startValue, shape, mode);
    }

    /// <summary>Joins schedules at milestones (PyTorch's SequentialLR, optax's <c>join_schedules</c>).</summary>
    /// <param name="schedules">The schedules, in order; at least one, none <see langword="null"/>.</param>
    /// <param name="milestones">Where each schedule after the first takes over; one fewer than <paramref name="schedules"/>, finite, greater than zero, strictly ascending.</param>
    /// <param name="restartClocks">Whether each schedule runs on its own clock that starts at zero at its milestone (PyTorch, optax) rather than on the shared clock. The default is <see langword="true"/>.</param>
    /// <returns>The joined schedule, on the clock of the first schedule.</returns>
    /// <remarks>Schedule <c>i</c> is in effect on <c>[milestones[i-1], milestones[i])</c>: a milestone belongs to the schedule that starts there.</remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule Sequence(IReadOnlyList<LearningRateSchedule> schedules, IReadOnlyList<double> milestones, bool restartClocks = true)
    {
        LearningRateSchedule[] children = Guard.NonEmptyCopy(schedules, nameof(schedules), "at least one schedule");
        double[] bounds = Guard.SortedFinite(milestones, allowEmpty: true);
        if (bounds.Length != children.Length - 1)
        {
            throw Guard.OutOfRange("milestones.Count", bounds.Length, "one fewer than schedules.Count, " + (children.Length - 1).ToString(CultureInfo.InvariantCulture));
        }

        if (bounds.Length > 0 && bounds[0] <= 0)
        {
            throw Guard.OutOfRange("milestones[0]", bounds[0], "greater than zero");
        }

        return children.Length == 1 ? children[0] : new SequenceSchedule(children, bounds, restartClocks);
    }

    /// <summary>Multiplies schedules pointwise (PyTorch's ChainedScheduler over multiplicative factors).</summary>
    /// <param name="factors">The schedules to multiply; at least one, none <see langword="null"/>, whose largest magnitudes multiply to a finite number.</param>
    /// <returns>The product, on the clock of the first factor.</returns>
    /// <remarks><c>v(t) = Π factors[i](t)</c>. Build every factor but one as a unitless multiplier, or <see cref="Scale"/> the product by the base value.</remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule, or the product of the factors' largest magnitudes overflows, so some position could give an infinite value.</exception>
    public static LearningRateSchedule Product(params LearningRateSchedule[] factors)
    {
        LearningRateSchedule[] children = Guard.NonEmptyCopy(factors, nameof(factors), "at least one schedule");
        if (children.Length == 1)
        {
            return children[0];
        }

        var product = new ProductSchedule(children);
        if (double.IsPositiveInfinity(product.Peak) && Array.TrueForAll(children, c => double.IsFinite(c.Peak)))
        {
            string peaks = string.Join(" · ", Array.ConvertAll(children, c => Guard.Format(c.Peak)));
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"'factors' is {children.Length} schedules whose largest magnitudes multiply to {peaks}, past the largest double; it must be schedules whose product stays finite, so scale the factors down."),
                nameof(factors));
        }

        return product;
    }

    /// <summary>Keeps a schedule between bounds.</summary>
    /// <param name="schedule">The schedule to clamp.</param>
    /// <param name="minimum">The lower bound; not NaN or positive infinity, may be negative infinity.</param>
    /// <param name="maximum">The upper bound; not NaN or negative infinity, no less than <paramref name="minimum"/>, may be positive infinity.</param>
    /// <returns>The clamped schedule, <c>min(max(v(t), minimum), maximum)</c>.</returns>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule Clamp(this LearningRateSchedule schedule, double minimum, double maximum)
    {
        Guard.NotNull(schedule);
        if (double.IsNaN(minimum) || double.IsPositiveInfinity(minimum))
        {
            throw Guard.OutOfRange(nameof(minimum), minimum, "a number less than positive infinity");
        }

        if (double.IsNaN(maximum) || double.IsNegativeInfinity(maximum) || maximum < minimum)
        {
            throw Guard.OutOfRange(nameof(maximum), maximum, "no less than minimum, " + Guard.Format(minimum));
        }

        return new ClampSchedule(schedule, minimum, maximum);
    }

    /// <summary>Multiplies a schedule by a constant.</summary>
    /// <param name="schedule">The schedule to scale.</param>
    /// <param name="factor">The multiplier; finite, and small enough that <c>factor</c> times the schedule's largest magnitude is finite.</param>
    /// <returns>The scaled schedule, <c>factor · v(t)</c>.</returns>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule Scale(this LearningRateSchedule schedule, double factor)
    {
        Guard.NotNull(schedule);
        Guard.Finite(factor);
        double peak = schedule.Peak;
        if (double.IsFinite(peak) && !double.IsFinite(Math.Abs(factor) * peak))
        {
            throw Guard.OutOfRange(nameof(factor), factor, "small enough that factor times the schedule's largest magnitude, " + Guard.Format(peak) + ", is finite");
        }

        return new ScaleSchedule(schedule, factor);
    }

    /// <summary>Places a schedule on a clock, so it reads that clock from <see cref="TrainingProgress"/>.</summary>
    /// <param name="schedule">The schedule; its positions are now in the units of <paramref name="clock"/>.</param>
    /// <param name="clock">The clock.</param>
    /// <returns>The same curve, on <paramref name="clock"/>.</returns>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule On(this LearningRateSchedule schedule, ProgressClock clock)
    {
        Guard.NotNull(schedule);
        Guard.Defined(clock);
        return new ClockedSchedule(schedule, clock);
    }

    /// <summary>Precomputes a schedule's values at the whole positions <c>0 … count - 1</c>, so a training loop pays an array read per step.</summary>
    /// <param name="schedule">The schedule to tabulate.</param>
    /// <param name="count">The number of whole positions to precompute, typically the training length in steps; 1 or more. The table takes <c>8 · count</c> bytes.</param>
    /// <returns>
    /// A schedule with the same values, bit for bit, on the same clock: whole positions below <paramref name="count"/> are read
    /// from the table, every other position (fractional, or past the table) is computed as before.
    /// </returns>
    /// <remarks>
    /// Evaluating a closed form costs a few nanoseconds to a few tens (a cosine, a power); a table read costs about one.
    /// It pays off for compositions evaluated every step over a known horizon. The table is filled once, here.
    /// </remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule Tabulate(this LearningRateSchedule schedule, int count)
    {
        Guard.NotNull(schedule);
        Guard.Positive(count);
        return new TabulatedSchedule(schedule, count);
    }
}
