using System;
using System.Collections.Generic;
using BatchLr.Internal;
using BatchLr.Schedules.Families;

namespace BatchLr.Schedules;

/// <summary>Creates closed-form schedules and combines them.</summary>
/// <remarks>
/// <para>
/// Every schedule is a pure function of its position: it can be asked any position in any order,
/// allocates nothing per evaluation, and holds its end value past its horizon. Every factory checks
/// its arguments once and throws an <see cref="ArgumentException"/> that names the parameter, the
/// value and the rule. Positions are in the units of the schedule's clock (steps unless placed on
/// another with <see cref="On(LearningRateSchedule, ProgressClock)"/>).
/// </para>
/// <para>
/// Every position, however far, gives a finite value: a factory refuses parameters under which some position would not, such
/// as a growth factor above 1 that never stops (<see cref="Exponential(double, double, double, bool)"/>, <see cref="Step"/>,
/// <see cref="CyclicMode.ExpRange"/>, an unlimited <see cref="RestartsOptions.CycleDecay"/>), or a scale or product past the
/// range of <see cref="double"/>. Growth that ends (a warmup, an <see cref="Anneal"/>) is accepted. Evaluation never loops over
/// cycles or steps: the cycle of a position is found in closed form, so a far position costs what a near one does.
/// Only <see cref="FromFunction(Func{double, double})"/> runs code the library cannot check.
/// </para>
/// <para>
/// Thread safety: the schedules these factories return are immutable, so one instance may be evaluated from any number of
/// threads at once and shared by any number of planners, each getting the values it would get alone.
/// </para>
/// </remarks>
public static partial class Schedule
{
    /// <summary>The rule of a growth factor that would never stop growing, stated by every factory that refuses one.</summary>
    internal const string GrowthRule =
        "at most 1, since above 1 the value grows without bound and overflows to infinity at far positions; growth must end: an exponential warmup rises to a given value over a given length, and Schedule.BoundedExponential stops at an end value";

    /// <summary>Creates a schedule that always returns the same value.</summary>
    /// <param name="value">The value; finite.</param>
    /// <returns>The constant schedule.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public static LearningRateSchedule Constant(double value)
    {
        Guard.Finite(value);
        return new ConstantSchedule(value);
    }

    /// <summary>Creates a schedule that moves from one value to another along a curve, then holds the end value.</summary>
    /// <param name="start">The value at position 0; finite.</param>
    /// <param name="end">The value from <paramref name="duration"/> on; finite.</param>
    /// <param name="duration">The length of the move; greater than zero.</param>
    /// <param name="shape">The curve; see <see cref="AnnealShape"/> for its formula.</param>
    /// <returns>The annealing schedule.</returns>
    /// <remarks><c>v(t) = end + (start - end) · d(min(t / duration, 1))</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite, <paramref name="duration"/> is not greater than zero, or the shape is exponential and an end is not greater than zero.</exception>
    public static LearningRateSchedule Anneal(double start, double end, double duration, AnnealShape shape)
    {
        Guard.Finite(start);
        Guard.Finite(end);
        Guard.Positive(duration);
        Guard.Defined(shape);
        if (shape == AnnealShape.Exponential)
        {
            Guard.Positive(start);
            Guard.Positive(end);
        }

        return new AnnealSchedule(start, end, duration, shape);
    }

    /// <summary>Creates a straight line from one value to another, then holds the end value (PyTorch's LinearLR, optax's <c>linear_schedule</c>).</summary>
    /// <param name="start">The value at position 0; finite.</param>
    /// <param name="end">The value from <paramref name="duration"/> on; finite.</param>
    /// <param name="duration">The length of the line (<c>total_iters</c>); greater than zero.</param>
    /// <returns>The linear schedule.</returns>
    /// <remarks><c>v(t) = start + (end - start) · min(t, duration) / duration</c>. PyTorch's LinearLR is <c>Linear(base · start_factor, base · end_factor, total_iters)</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite or <paramref name="duration"/> is not greater than zero.</exception>
    public static LearningRateSchedule Linear(double start, double end, double duration) => Anneal(start, end, duration, AnnealShape.Linear);

    /// <summary>Creates cosine annealing from an initial value to a minimum, then holds the minimum (Loshchilov and Hutter 2017; PyTorch's CosineAnnealingLR).</summary>
    /// <param name="initial">The value at position 0; finite and zero or more.</param>
    /// <param name="minimum">The value reached at <paramref name="duration"/> (<c>eta_min</c>); finite and zero or more.</param>
    /// <param name="duration">The length of the half cosine (<c>T_max</c>); greater than zero.</param>
    /// <param name="exponent">The power applied to the cosine factor, as optax's <c>exponent</c>; greater than zero. The default is 1.</param>
    /// <returns>The cosine schedule.</returns>
    /// <remarks>
    /// <c>v(t) = minimum + (initial - minimum) · ((1 + cos(π · min(t, T) / T)) / 2)^exponent</c>.
    /// PyTorch's CosineAnnealingLR keeps oscillating past <c>T_max</c>; this schedule holds <paramref name="minimum"/>
    /// there instead, and <see cref="CosineWithRestarts(RestartsOptions)"/> gives the periodic form.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static LearningRateSchedule CosineAnnealing(double initial, double minimum, double duration, double exponent = 1.0)
    {
        Guard.FiniteNotNegative(initial);
        Guard.FiniteNotNegative(minimum);
        Guard.Positive(duration);
        Guard.Positive(exponent);
        return new AnnealSchedule(initial, minimum, duration, AnnealShape.Cosine, exponent);
    }

    /// <summary>Creates cosine annealing to a fraction of the initial value (Hugging Face's <c>cosine_with_min_lr</c>).</summary>
    /// <param name="initial">The value at position 0; finite and zero or more.</param>
    /// <param name="minRatio">The end value as a fraction of <paramref name="initial"/> (<c>min_lr_rate</c>); between 0 and 1.</param>
    /// <param name="duration">The length of the half cosine; greater than zero.</param>
    /// <returns>The cosine schedule.</returns>
    /// <remarks><c>v(t) = initial · (minRatio + (1 - minRatio) · (1 + cos(π · min(t, T) / T)) / 2)</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static LearningRateSchedule CosineWithMinRatio(double initial, double minRatio, double duration)
    {
        Guard.FiniteNotNegative(initial);
        Guard.InRange(minRatio, 0.0, 1.0);
        Guard.Positive(duration);
        return new AnnealSchedule(initial, initial * minRatio, duration, AnnealShape.Cosine);
    }

    /// <summary>Creates polynomial decay from an initial value to an end value (PyTorch's PolynomialLR, Keras' PolynomialDecay, Hugging Face's <c>polynomial</c>).</summary>
    /// <param name="initial">The value at position 0; finite.</param>
    /// <param name="end">The value reached at <paramref name="duration"/>; finite.</param>
    /// <param name="duration">The length of the decay (<c>total_iters</c>, <c>decay_steps</c>); greater than zero.</param>
    /// <param name="power">The power of the polynomial; greater than zero. The default is 1, a straight line.</param>
    /// <param name="cycle">Whether the horizon stretches to the next multiple of <paramref name="duration"/> instead of holding the end value (Keras' <c>cycle</c>). The default is <see langword="false"/>.</param>
    /// <returns>The polynomial schedule.</returns>
    /// <remarks>
    /// <c>v(t) = end + (initial - end) · (1 - min(t, T) / T)^power</c>; with <paramref name="cycle"/>,
    /// <c>T</c> becomes <c>duration · max(1, ceil(t / duration))</c> and <c>t</c> is not clamped.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static LearningRateSchedule Polynomial(double initial, double end, double duration, double power = 1.0, bool cycle = false)
    {
        Guard.Finite(initial);
        Guard.Finite(end);
        Guard.Positive(duration);
        Guard.Positive(power);
        return cycle
            ? new CyclicPolynomialSchedule(initial, end, duration, power)
            : new AnnealSchedule(initial, end, duration, AnnealShape.Linear, power);
    }

    /// <summary>Creates exponential decay (PyTorch's ExponentialLR, Keras' ExponentialDecay, optax's <c>exponential_decay</c>).</summary>
    /// <param name="initial">The value at position 0; finite.</param>
    /// <param name="rate">The factor applied per <paramref name="interval"/> (<c>gamma</c>, <c>decay_rate</c>); greater than zero and at most 1 (see the remarks).</param>
    /// <param name="interval">The positions over which one factor of <paramref name="rate"/> applies (<c>decay_steps</c>); greater than zero. The default is 1.</param>
    /// <param name="staircase">Whether the decay happens in whole intervals only. The default is <see langword="false"/>.</param>
    /// <returns>The exponential schedule.</returns>
    /// <remarks>
    /// <para><c>v(t) = initial · rate^(t / interval)</c>, with the exponent floored when <paramref name="staircase"/> is set.</para>
    /// <para>
    /// A rate above 1 is refused: the value would grow without bound and overflow to infinity at some position, and a schedule
    /// answers every position with a finite value. Growth that ends is accepted: give it an end value with
    /// <see cref="BoundedExponential"/>, or rise geometrically from a start to an end over a
    /// duration with <see cref="Anneal(double, double, double, AnnealShape)"/> (or <see cref="WithWarmup"/>) and
    /// <see cref="AnnealShape.Exponential"/>.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule, such as a <paramref name="rate"/> above 1.</exception>
    public static LearningRateSchedule Exponential(double initial, double rate, double interval = 1.0, bool staircase = false)
    {
        Guard.Finite(initial);
        Decay(rate);
        Guard.Positive(interval);
        return new ExponentialSchedule(initial, rate, interval, staircase);
    }

    /// <summary>Creates exponential decay or growth that stops at an end value (optax's <c>exponential_decay</c> with <c>end_value</c>).</summary>
    /// <param name="initial">The value at position 0; finite, and zero or more when <paramref name="rate"/> is above 1.</param>
    /// <param name="rate">The factor applied per <paramref name="interval"/> (<c>decay_rate</c>); finite and greater than zero. Above 1 the value grows.</param>
    /// <param name="endValue">The bound (<c>end_value</c>): a floor when <paramref name="rate"/> is below 1, a ceiling otherwise; finite.</param>
    /// <param name="interval">The positions over which one factor of <paramref name="rate"/> applies (<c>transition_steps</c>); greater than zero. The default is 1.</param>
    /// <param name="staircase">Whether the change happens in whole intervals only. The default is <see langword="false"/>.</param>
    /// <returns>The exponential schedule.</returns>
    /// <remarks>
    /// <c>v(t) = max(initial · rate^(t / interval), endValue)</c> when <c>rate &lt; 1</c>, else
    /// <c>min(initial · rate^(t / interval), endValue)</c>, as optax clips. With the ceiling, growth ends at
    /// <paramref name="endValue"/> and the schedule holds it from there on, so it stays finite at every position.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static LearningRateSchedule BoundedExponential(double initial, double rate, double endValue, double interval = 1.0, bool staircase = false)
    {
        Guard.Finite(initial);
        Guard.Positive(rate);
        Guard.Positive(interval);
        Guard.Finite(endValue);
        if (rate > 1 && initial < 0)
        {
            throw Guard.OutOfRange(nameof(initial), initial, "zero or more when rate is above 1, since a negative value would grow toward negative infinity past the end value");
        }

        var curve = new ExponentialSchedule(initial, rate, interval, staircase);

        // A decay only falls from initial and is floored; a growth only rises from initial and is capped: either way the
        // clamp's bounds hold every value, so its magnitude is known.
        return rate < 1
            ? new Composition.ClampSchedule(curve, endValue, Math.Max(Math.Max(initial, 0.0), endValue))
            : new Composition.ClampSchedule(curve, Math.Min(initial, endValue), endValue);
    }

    /// <summary>Creates step decay: the value is multiplied by <paramref name="gamma"/> every <paramref name="stepSize"/> positions (PyTorch's StepLR).</summary>
    /// <param name="initial">The value at position 0; finite.</param>
    /// <param name="stepSize">The period of the decay (<c>step_size</c>); greater than zero.</param>
    /// <param name="gamma">The factor per period; greater than zero and at most 1, since a growth without end would overflow (see <see cref="Exponential(double, double, double, bool)"/>). The default is 0.1.</param>
    /// <returns>The step schedule.</returns>
    /// <remarks><c>v(t) = initial · gamma^floor(t / stepSize)</c>: a staircase <see cref="Exponential(double, double, double, bool)"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule, such as a <paramref name="gamma"/> above 1.</exception>
    public static LearningRateSchedule Step(double initial, double stepSize, double gamma = 0.1)
    {
        Guard.Finite(initial);
        Guard.Positive(stepSize);
        Decay(gamma);
        return new ExponentialSchedule(initial, gamma, stepSize, staircase: true);
    }

    /// <summary>Creates multi-step decay: the value is multiplied by <paramref name="gamma"/> at each milestone (PyTorch's MultiStepLR).</summary>
    /// <param name="initial">The value before the first milestone; finite.</param>
    /// <param name="milestones">The positions of the decays; finite and zero or more, in any order (they are sorted, as PyTorch does). A repeated milestone decays once per repetition, as in PyTorch.</param>
    /// <param name="gamma">The factor per milestone; greater than zero. Above 1 the value grows at each milestone, which is accepted while <c>initial · gamma^milestones.Count</c>, the last value, is finite. The default is 0.1.</param>
    /// <returns>The multi-step schedule.</returns>
    /// <remarks><c>v(t) = initial · gamma^k</c>, with <c>k</c> the number of milestones at or before <c>t</c>.</remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule MultiStep(double initial, IReadOnlyList<double> milestones, double gamma = 0.1)
    {
        Guard.Finite(initial);
        double[] sorted = FiniteValues(milestones, nameof(milestones));
        for (int i = 0; i < sorted.Length; i++)
        {
            if (sorted[i] < 0)
            {
                throw Guard.OutOfRange(nameof(milestones) + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", sorted[i], "a finite number zero or more");
            }
        }

        Array.Sort(sorted);
        Guard.Positive(gamma);
        if (!double.IsFinite(initial * Math.Pow(gamma, sorted.Length)))
        {
            throw Guard.OutOfRange(
                nameof(gamma),
                gamma,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"small enough that initial · gamma^{sorted.Length}, the value after the last milestone, is finite (initial is {Guard.Format(initial)})"));
        }

        return new MultiStepSchedule(initial, gamma, sorted);
    }

    /// <summary>Creates inverse-time decay (Keras' InverseTimeDecay).</summary>
    /// <param name="initial">The value at position 0; finite.</param>
    /// <param name="decayRate">The rate of decay; finite and zero or more.</param>
    /// <param name="decaySteps">The positions per unit of decay; greater than zero.</param>
    /// <param name="staircase">Whether decay happens in whole units only. The default is <see langword="false"/>.</param>
    /// <returns>The inverse-time schedule.</returns>
    /// <remarks><c>v(t) = initial / (1 + decayRate · t / decaySteps)</c>, with <c>t / decaySteps</c> floored when <paramref name="staircase"/> is set.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static LearningRateSchedule InverseTime(double initial, double decayRate, double decaySteps, bool staircase = false)
    {
        Guard.Finite(initial);
        Guard.FiniteNotNegative(decayRate);
        Guard.Positive(decaySteps);
        return new InverseTimeSchedule(initial, decayRate, decaySteps, staircase);
    }

    /// <summary>Creates inverse square-root decay, the tail of the Transformer schedule (Hugging Face's <c>inverse_sqrt</c> after its warmup).</summary>
    /// <param name="initial">The value at position 0; finite.</param>
    /// <param name="timescale">The position scale of the decay; greater than zero.</param>
    /// <returns>The inverse square-root schedule.</returns>
    /// <remarks><c>v(t) = initial / sqrt((t + timescale) / timescale)</c>. Put a warmup in front with <see cref="WithWarmup"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static LearningRateSchedule InverseSqrt(double initial, double timescale)
    {
        Guard.Finite(initial);
        Guard.Positive(timescale);
        return new InverseSqrtSchedule(initial, timescale);
    }

    /// <summary>Creates the schedule of "Attention Is All You Need" (Vaswani et al. 2017), known as Noam.</summary>
    /// <param name="modelSize">The model width <c>d_model</c>; greater than zero.</param>
    /// <param name="warmupSteps">The length of the linear warmup; greater than zero.</param>
    /// <param name="factor">A multiplier of the whole curve; greater than zero, and small enough that the peak <c>factor / sqrt(modelSize · warmupSteps)</c> is finite. The default is 1.</param>
    /// <returns>The Noam schedule.</returns>
    /// <remarks>
    /// <c>v(t) = factor · d_model^-0.5 · min(t^-0.5, t · warmup^-1.5)</c>, written as a linear warmup from 0
    /// followed by <see cref="InverseSqrt(double, double)"/> with timescale <c>warmup</c>; 0 at <c>t = 0</c>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks its rule.</exception>
    public static LearningRateSchedule Noam(double modelSize, double warmupSteps, double factor = 1.0)
    {
        Guard.Positive(modelSize);
        Guard.Positive(warmupSteps);
        Guard.Positive(factor);
        double peak = factor / Math.Sqrt(modelSize) / Math.Sqrt(warmupSteps);
        if (!double.IsFinite(peak))
        {
            throw Guard.OutOfRange(nameof(factor), factor, "small enough that the peak, factor / sqrt(modelSize · warmupSteps), is finite");
        }

        return new Composition.WarmupSchedule(new InverseSqrtSchedule(peak, warmupSteps), warmupSteps, 0.0, AnnealShape.Linear, WarmupMode.Prefix);
    }

    /// <summary>Creates a constant-value schedule given by boundaries and the value between them (optax's <c>piecewise_constant_schedule</c>, Keras' PiecewiseConstantDecay).</summary>
    /// <param name="boundaries">The positions where the value changes; finite, zero or more, strictly ascending.</param>
    /// <param name="values">The values; one more than <paramref name="boundaries"/>, all finite.</param>
    /// <returns>The piecewise-constant schedule.</returns>
    /// <remarks>
    /// <c>v(t) = values[i]</c> for <c>boundaries[i-1] ≤ t &lt; boundaries[i]</c>. Keras changes value just after
    /// a boundary; for whole steps that is this schedule with every boundary plus one.
    /// </remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule PiecewiseConstant(IReadOnlyList<double> boundaries, IReadOnlyList<double> values)
    {
        double[] b = Guard.SortedFinite(boundaries, allowEmpty: true);
        double[] v = FiniteValues(values, nameof(values));
        if (v.Length != b.Length + 1)
        {
            throw Guard.OutOfRange("values.Count", v.Length, "one more than boundaries.Count, " + (b.Length + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new PiecewiseConstantSchedule(b, v);
    }

    /// <summary>Creates straight lines through points (optax's <c>piecewise_interpolate_schedule</c> with linear interpolation).</summary>
    /// <param name="positions">The positions of the points; finite, zero or more, strictly ascending, at least one.</param>
    /// <param name="values">The values at the points; as many as <paramref name="positions"/>, all finite.</param>
    /// <returns>The piecewise-linear schedule, holding the first value before the first point and the last after the last.</returns>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule PiecewiseLinear(IReadOnlyList<double> positions, IReadOnlyList<double> values)
    {
        double[] p = Guard.SortedFinite(positions, allowEmpty: false);
        double[] v = FiniteValues(values, nameof(values));
        if (v.Length != p.Length)
        {
            throw Guard.OutOfRange("values.Count", v.Length, "equal to positions.Count, " + p.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new PiecewiseLinearSchedule(p, v);
    }

    /// <summary>Creates a schedule from a function of the position (PyTorch's LambdaLR).</summary>
    /// <param name="function">A pure function of the position: the same position must always give the same value.</param>
    /// <returns>The schedule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is <see langword="null"/>.</exception>
    public static LearningRateSchedule FromFunction(Func<double, double> function) => new FunctionSchedule(Guard.NotNull(function));

    /// <summary>Checks a factor of exponential decay: greater than zero and at most 1, since growth without end overflows.</summary>
    private static void Decay(double rate, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(rate))] string name = "")
    {
        Guard.Positive(rate, name);
        if (rate > 1)
        {
            throw Guard.OutOfRange(name, rate, GrowthRule);
        }
    }

    private static double[] FiniteValues(IReadOnlyList<double>? values, string name)
    {
        Guard.NotNull(values, name);
        var copy = new double[values!.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw Guard.OutOfRange(name + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", values[i], "a finite number");
            }

            copy[i] = values[i];
        }

        return copy;
    }
}
