using System;
using System.Globalization;
using BatchLr.Internal;
using BatchLr.Schedules.Composition;
using BatchLr.Schedules.Families;

namespace BatchLr.Schedules;

/// <content>Schedules made of cycles and phases, and their momentum companions.</content>
public static partial class Schedule
{
    /// <summary>Creates cosine annealing with warm restarts (SGDR, Loshchilov and Hutter 2017; PyTorch's CosineAnnealingWarmRestarts; timm's CosineLRScheduler; Keras' CosineDecayRestarts).</summary>
    /// <param name="options">The cycle configuration.</param>
    /// <returns>The schedule.</returns>
    /// <remarks>
    /// Cycle <c>i</c> lasts <c>Ti = Period · PeriodMultiplier^i</c>; inside it, with <c>g = CycleDecay^i</c> and
    /// <c>a = AmplitudeDecay^i</c>, <c>v = MinValue + (MaxValue·g - MinValue) · a · (1 + cos(π · tcur^k / Ti^k)) / 2</c>:
    /// <c>g</c> lowers the peak toward a fixed floor (timm's <c>cycle_decay</c>), <c>a</c> shrinks the swing above the floor
    /// (Keras' <c>m_mul</c>). From cycle <see cref="RestartsOptions.CycleLimit"/> on, <c>v = MinValue</c>. Restarts land
    /// exactly on the cycle starts, whatever the rounding of the logarithm that finds the cycle.
    /// </remarks>
    /// <exception cref="ArgumentException">An option breaks its rule, such as a <see cref="RestartsOptions.CycleDecay"/> above 1 without a <see cref="RestartsOptions.CycleLimit"/>; the message lists every broken rule.</exception>
    public static LearningRateSchedule CosineWithRestarts(RestartsOptions options) => Restarts(options, RestartsCurve.Cosine, 0, 0);

    /// <summary>Creates polynomial decay with optional restarts (timm's PolyLRScheduler).</summary>
    /// <param name="options">The cycle configuration.</param>
    /// <param name="power">The power of the polynomial (timm's <c>power</c>); finite and greater than zero. The default is 0.5, as in timm.</param>
    /// <returns>The schedule.</returns>
    /// <remarks>
    /// Inside a cycle, with <c>k = KDecay</c>: <c>v = MinValue + (MaxValue·g - MinValue) · a · (1 - tcur^k / Ti^k)^power</c>; cycles,
    /// <c>g</c> and <c>a</c> as in <see cref="CosineWithRestarts(RestartsOptions)"/>. With one cycle and <c>k = 1</c> this is
    /// <see cref="Polynomial"/> from <c>MaxValue</c> to <c>MinValue</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule; the message lists every broken rule of the options.</exception>
    public static LearningRateSchedule PolynomialWithRestarts(RestartsOptions options, double power = 0.5)
    {
        Guard.Positive(power);
        return Restarts(options, RestartsCurve.Polynomial, power, 0);
    }

    /// <summary>Creates tanh decay with optional restarts (Hsueh et al. 2019; timm's TanhLRScheduler).</summary>
    /// <param name="options">The cycle configuration; <see cref="RestartsOptions.KDecay"/> must be 1.</param>
    /// <param name="lower">The lower bound of the tanh argument (<c>lb</c>); less than <paramref name="upper"/>. The default is -7.</param>
    /// <param name="upper">The upper bound of the tanh argument (<c>ub</c>). The default is 3.</param>
    /// <returns>The schedule.</returns>
    /// <remarks>Inside a cycle, with <c>p = tcur / Ti</c>: <c>v = min + (max - min) · (1 - tanh(lower · (1 - p) + upper · p)) / 2</c>; cycles as in <see cref="CosineWithRestarts(RestartsOptions)"/>.</remarks>
    /// <exception cref="ArgumentException">An argument breaks its rule.</exception>
    public static LearningRateSchedule TanhDecay(RestartsOptions options, double lower = -7.0, double upper = 3.0)
    {
        Guard.Finite(lower);
        Guard.Finite(upper);
        if (!(lower < upper))
        {
            throw Guard.OutOfRange(nameof(lower), lower, "less than upper, " + Guard.Format(upper));
        }

        return Restarts(options, RestartsCurve.Tanh, lower, upper);
    }

    /// <summary>Creates a cyclic learning-rate schedule (Smith 2017; PyTorch's CyclicLR).</summary>
    /// <param name="options">The cycle configuration.</param>
    /// <returns>The learning-rate schedule; pair it with <see cref="CyclicMomentum(CyclicOptions)"/> for the momentum.</returns>
    /// <remarks>
    /// With <c>S = up + down</c>, <c>c = floor(1 + t / S)</c>, <c>x = 1 + t / S - c</c> and the ramp
    /// <c>r = x / (up / S)</c> rising, <c>(x - 1) / (up / S - 1)</c> falling:
    /// <c>v = base + (max - base) · r · scale(c or t)</c>, with <c>scale</c> 1 (triangular), <c>2^-(c-1)</c>
    /// (triangular2) or <c>gamma^t</c> (exp_range).
    /// </remarks>
    /// <exception cref="ArgumentException">An option breaks its rule; the message lists every broken rule.</exception>
    public static LearningRateSchedule Cyclic(CyclicOptions options) => CyclicCore(options, momentum: false);

    /// <summary>Creates the momentum companion of a cyclic schedule: high when the learning rate is low (PyTorch's <c>cycle_momentum</c>).</summary>
    /// <param name="options">The cycle configuration.</param>
    /// <returns>The momentum schedule: <c>m = max_m - (max_m - base_m) · r · scale(c or t)</c>.</returns>
    /// <exception cref="ArgumentException">An option breaks its rule; the message lists every broken rule.</exception>
    public static LearningRateSchedule CyclicMomentum(CyclicOptions options) => CyclicCore(options, momentum: true);

    /// <summary>Creates a one-cycle learning-rate schedule (Smith and Topin 2018; PyTorch's OneCycleLR).</summary>
    /// <param name="options">The cycle configuration.</param>
    /// <returns>The learning-rate schedule; pair it with <see cref="OneCycleMomentum(OneCycleOptions)"/> for the momentum.</returns>
    /// <remarks>
    /// With <c>initial = max / div_factor</c>, <c>final = initial / final_div_factor</c> and <c>T = TotalSteps</c>,
    /// two phases anneal <c>initial → max</c> until <c>pct_start · T - 1</c> and <c>max → final</c> until <c>T - 1</c>;
    /// three phases anneal <c>initial → max → initial → final</c> with ends at <c>pct_start · T - 1</c>,
    /// <c>2 · pct_start · T - 2</c> and <c>T - 1</c>. Each phase is an <see cref="Anneal"/> on its own clock,
    /// joined with <see cref="Sequence"/>; the final value holds after <c>T - 1</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">An option breaks its rule; the message lists every broken rule.</exception>
    public static LearningRateSchedule OneCycle(OneCycleOptions options)
    {
        ValidateOneCycle(options);
        double initial = options.MaxLearningRate / options.DivFactor;
        double final = initial / options.FinalDivFactor;
        return options.ThreePhase
            ? OneCyclePhases(options, [initial, options.MaxLearningRate, initial, final])
            : OneCyclePhases(options, [initial, options.MaxLearningRate, final]);
    }

    /// <summary>Creates the momentum companion of a one-cycle schedule: it falls while the learning rate rises, and rises back as it falls.</summary>
    /// <param name="options">The cycle configuration.</param>
    /// <returns>The momentum schedule: <c>max_m → base_m → max_m</c> over the same phases (<c>max_m → base_m → max_m → max_m</c> in three phases).</returns>
    /// <exception cref="ArgumentException">An option breaks its rule; the message lists every broken rule.</exception>
    public static LearningRateSchedule OneCycleMomentum(OneCycleOptions options)
    {
        ValidateOneCycle(options);
        double high = options.MaxMomentum;
        double low = options.BaseMomentum;

        // Two phases read the first three values, high → low → high; three phases hold high in the last.
        return OneCyclePhases(options, [high, low, high, high]);
    }

    /// <summary>Creates a warmup–stable–decay schedule (Hu et al. 2024; Hugging Face's <c>warmup_stable_decay</c>).</summary>
    /// <param name="options">The phase configuration.</param>
    /// <returns>The schedule.</returns>
    /// <remarks>
    /// With <c>m = MinRatio · PeakValue</c>: a warmup of <see cref="WarmupStableDecayOptions.WarmupShape"/> from <c>m</c> to the peak,
    /// the peak for <see cref="WarmupStableDecayOptions.StableSteps"/>, then an <see cref="Anneal"/> of
    /// <see cref="WarmupStableDecayOptions.DecayShape"/> from the peak to <c>m</c>, which holds afterwards. Written as
    /// <c>Sequence([Constant(peak), Anneal(peak, m, decay, shape)], [stable]).WithWarmup(warmup, m, shape)</c>.
    /// </remarks>
    /// <exception cref="ArgumentException">An option breaks its rule; the message lists every broken rule.</exception>
    public static LearningRateSchedule WarmupStableDecay(WarmupStableDecayOptions options)
    {
        Guard.NotNull(options);
        var check = new OptionsValidation(nameof(options));
        check.FiniteNotNegative(options.PeakValue, nameof(options.PeakValue));
        check.FiniteNotNegative(options.WarmupSteps, nameof(options.WarmupSteps));
        check.FiniteNotNegative(options.StableSteps, nameof(options.StableSteps));
        check.Positive(options.DecaySteps, nameof(options.DecaySteps));
        check.Require(options.WarmupShape is AnnealShape.Linear or AnnealShape.Cosine or AnnealShape.OneMinusSqrt, nameof(options.WarmupShape), options.WarmupShape, "Linear, Cosine or OneMinusSqrt");
        check.Require(options.DecayShape is AnnealShape.Linear or AnnealShape.Cosine or AnnealShape.OneMinusSqrt, nameof(options.DecayShape), options.DecayShape, "Linear, Cosine or OneMinusSqrt");
        check.Require(options.MinRatio is >= 0 and <= 1, nameof(options.MinRatio), options.MinRatio, "between 0 and 1");
        check.ThrowIfInvalid();

        double peak = options.PeakValue;
        double floor = peak * options.MinRatio;
        LearningRateSchedule decay = new AnnealSchedule(peak, floor, options.DecaySteps, options.DecayShape);
        // Stryker disable once Conditional,Equality : at StableSteps 0 the sequence's milestone 0 hands every position t >= 0 to decay at t - 0, its Peak is max(peak, decay.Peak) = peak = decay.Peak and its clock is decay's: the same schedule, the test only saves a wrapper
        LearningRateSchedule body = options.StableSteps > 0
            ? new SequenceSchedule([new ConstantSchedule(peak), decay], [options.StableSteps], restartClocks: true)
            : decay;
        // Stryker disable once Conditional,Equality : a warmup of duration 0 hands every position t >= 0 to body at t - 0, its Peak is max(floor, body(0), body.Peak) = body.Peak (floor <= peak) and its clock is body's: the same schedule, the test only saves a wrapper
        return options.WarmupSteps > 0
            ? new WarmupSchedule(body, options.WarmupSteps, floor, options.WarmupShape, WarmupMode.Prefix)
            : body;
    }

    private static RestartsSchedule Restarts(RestartsOptions options, RestartsCurve curve, double curveA, double curveB)
    {
        Guard.NotNull(options);
        var check = new OptionsValidation(nameof(options));
        check.FiniteNotNegative(options.MaxValue, nameof(options.MaxValue));
        check.FiniteNotNegative(options.MinValue, nameof(options.MinValue));
        check.Positive(options.Period, nameof(options.Period));
        check.Require(options.PeriodMultiplier >= 1 && double.IsFinite(options.PeriodMultiplier), nameof(options.PeriodMultiplier), options.PeriodMultiplier, "a finite number 1 or more");
        check.Positive(options.CycleDecay, nameof(options.CycleDecay));
        check.Require(options.AmplitudeDecay is >= 0 and <= 1, nameof(options.AmplitudeDecay), options.AmplitudeDecay, "between 0 and 1 inclusive");
        check.Require(options.CycleLimit is null or >= 1, nameof(options.CycleLimit), options.CycleLimit, "1 or more, or null for no limit");
        if (options.CycleDecay > 1 && double.IsFinite(options.CycleDecay) && options.MaxValue >= 0 && double.IsFinite(options.MaxValue))
        {
            // A peak that grows at each restart must stop growing: at the cycle limit, and while the last peak is finite.
            check.Require(
                options.CycleLimit is { } limit && double.IsFinite(options.MaxValue * RestartsSchedule.MaxGain(options.CycleDecay, limit)),
                nameof(options.CycleDecay),
                options.CycleDecay,
                options.CycleLimit is { } cycles
                    ? string.Create(CultureInfo.InvariantCulture, $"small enough that the last peak, MaxValue · CycleDecay^(CycleLimit - 1) = {Guard.Format(options.MaxValue)} · CycleDecay^{cycles - 1}, is finite")
                    : "at most 1 when CycleLimit is null: a peak that grows at every restart without a limit overflows to infinity at far positions");
        }

        check.Positive(options.KDecay, nameof(options.KDecay));
        check.Require(curve != RestartsCurve.Tanh || options.KDecay == 1.0, nameof(options.KDecay), options.KDecay, "1 for a tanh schedule");
        check.ThrowIfInvalid();
        return new RestartsSchedule(
            options.MaxValue,
            options.MinValue,
            options.Period,
            options.PeriodMultiplier,
            options.CycleDecay,
            options.AmplitudeDecay,
            options.CycleLimit ?? double.PositiveInfinity,
            options.KDecay,
            curve,
            curveA,
            curveB);
    }

    private static CyclicSchedule CyclicCore(CyclicOptions options, bool momentum)
    {
        Guard.NotNull(options);
        var check = new OptionsValidation(nameof(options));
        check.FiniteNotNegative(options.BaseLearningRate, nameof(options.BaseLearningRate));
        check.FiniteNotNegative(options.MaxLearningRate, nameof(options.MaxLearningRate));
        check.Positive(options.StepSizeUp, nameof(options.StepSizeUp));
        check.Require(options.StepSizeDown is null || (options.StepSizeDown > 0 && double.IsFinite(options.StepSizeDown.Value)), nameof(options.StepSizeDown), options.StepSizeDown, "a finite number greater than zero, or null");
        check.Defined(options.Mode, nameof(options.Mode));
        check.Positive(options.Gamma, nameof(options.Gamma));
        check.Require(
            options.Gamma <= 1 || options.Mode != CyclicMode.ExpRange || options.ScaleFunction is not null,
            nameof(options.Gamma),
            options.Gamma,
            "at most 1 in ExpRange mode: the amplitude gamma^t would grow without bound and overflow to infinity at far positions");
        check.Require(options.ScaleMode is null || Enum.IsDefined(options.ScaleMode.Value), nameof(options.ScaleMode), options.ScaleMode, "Cycle, Iterations or null");
        check.FiniteNotNegative(options.BaseMomentum, nameof(options.BaseMomentum));
        check.FiniteNotNegative(options.MaxMomentum, nameof(options.MaxMomentum));
        check.ThrowIfInvalid();

        Func<double, double>? scale;
        CyclicScaleMode defaultMode;
        if (options.ScaleFunction is { } custom)
        {
            scale = custom;
            defaultMode = CyclicScaleMode.Cycle;
        }
        else
        {
            double gamma = options.Gamma;
            switch (options.Mode)
            {
                case CyclicMode.Triangular:
                    scale = null;
                    defaultMode = CyclicScaleMode.Cycle;
                    break;
                case CyclicMode.Triangular2:
                    scale = static c => 1.0 / Math.Pow(2.0, c - 1.0);
                    defaultMode = CyclicScaleMode.Cycle;
                    break;
                default:
                    scale = t => Math.Pow(gamma, t);
                    defaultMode = CyclicScaleMode.Iterations;
                    break;
            }
        }

        double up = options.StepSizeUp;
        double down = options.StepSizeDown ?? up;
        bool byCycle = (options.ScaleMode ?? defaultMode) == CyclicScaleMode.Cycle;
        // A custom scale is documented to stay within [0, 1] but cannot be checked, so its schedule's magnitude is not known.
        bool bounded = options.ScaleFunction is null;
        return momentum
            ? new CyclicSchedule(options.BaseMomentum, options.MaxMomentum, up, down, scale, byCycle, inverted: true, bounded)
            : new CyclicSchedule(options.BaseLearningRate, options.MaxLearningRate, up, down, scale, byCycle, inverted: false, bounded);
    }

    /// <summary>The one-cycle's start and end rates, MaxLearningRate / DivFactor and that / FinalDivFactor, must be finite.</summary>
    private static void RequireFiniteOneCycleEnds(OptionsValidation check, OneCycleOptions options)
    {
        double initial = options.MaxLearningRate / options.DivFactor;

        // A MaxLearningRate that breaks its own rule is reported by that rule alone, not also as an infinite initial rate.
        // Stryker disable once Equality : at MaxLearningRate 0 the initial rate 0 / DivFactor is 0 for every DivFactor > 0, finite, so > 0 and >= 0 give the same check
        bool maxBroken = !(options.MaxLearningRate > 0);
        check.Require(
            !(options.DivFactor > 0) || maxBroken || double.IsFinite(initial),
            nameof(options.DivFactor),
            options.DivFactor,
            "large enough that the initial rate, MaxLearningRate / DivFactor, is finite");
        check.Require(
            !(options.FinalDivFactor > 0) || !double.IsFinite(initial) || double.IsFinite(initial / options.FinalDivFactor),
            nameof(options.FinalDivFactor),
            options.FinalDivFactor,
            "large enough that the final rate, MaxLearningRate / DivFactor / FinalDivFactor, is finite");
    }

    private static void ValidateOneCycle(OneCycleOptions options)
    {
        Guard.NotNull(options);
        var check = new OptionsValidation(nameof(options));
        check.Positive(options.MaxLearningRate, nameof(options.MaxLearningRate));
        check.Positive(options.TotalSteps, nameof(options.TotalSteps));
        check.Require(options.PctStart is > 0 and < 1, nameof(options.PctStart), options.PctStart, "strictly between 0 and 1");
        check.Require(options.AnnealStrategy is AnnealShape.Cosine or AnnealShape.Linear, nameof(options.AnnealStrategy), options.AnnealStrategy, "Cosine or Linear");
        check.Positive(options.DivFactor, nameof(options.DivFactor));
        check.Positive(options.FinalDivFactor, nameof(options.FinalDivFactor));
        RequireFiniteOneCycleEnds(check, options);
        check.FiniteNotNegative(options.BaseMomentum, nameof(options.BaseMomentum));
        check.Require(options.MaxMomentum >= options.BaseMomentum && double.IsFinite(options.MaxMomentum), nameof(options.MaxMomentum), options.MaxMomentum, "finite and no less than BaseMomentum, " + Guard.Format(options.BaseMomentum));
        check.ThrowIfInvalid();

        double[] ends = PhaseEnds(options);
        double previous = 0;
        for (int i = 0; i < ends.Length; i++)
        {
            if (!(ends[i] > previous))
            {
                check.Require(false, nameof(options.TotalSteps), options.TotalSteps, "large enough that every phase is longer than zero with PctStart " + Guard.Format(options.PctStart));
                break;
            }

            previous = ends[i];
        }

        check.ThrowIfInvalid();
    }

    /// <summary>
    /// Creates PyTorch's OneCycleLR as its spec type runs it (<see cref="TorchOneCycleSchedule"/>): PyTorch's phase search and
    /// annealing formulas, through step <c>TotalSteps</c>, the last one PyTorch computes, and held after it.
    /// </summary>
    /// <remarks>
    /// It accepts what PyTorch runs, as PyTorch runs it: a <c>PctStart</c> of 0 or 1, a warmup shorter than a step, three phases
    /// with <c>PctStart</c> above one half. It refuses <c>PctStart · TotalSteps = 1</c>, where the first phase ends at step 0
    /// and PyTorch divides 0 by 0 there. <c>MaxMomentum</c> below <c>BaseMomentum</c> cycles the momentum the other way, as in
    /// PyTorch, which does not compare them.
    /// </remarks>
    internal static LearningRateSchedule OneCycleThroughTotal(OneCycleOptions options, bool momentum)
    {
        Guard.NotNull(options);
        var check = new OptionsValidation(nameof(options));
        check.Positive(options.MaxLearningRate, nameof(options.MaxLearningRate));
        check.Require(options.TotalSteps >= 1 && options.TotalSteps == Math.Floor(options.TotalSteps) && double.IsFinite(options.TotalSteps), nameof(options.TotalSteps), options.TotalSteps, "a whole number 1 or more");
        check.Require(options.PctStart is >= 0 and <= 1, nameof(options.PctStart), options.PctStart, "between 0 and 1 inclusive");
        check.Require(options.AnnealStrategy is AnnealShape.Cosine or AnnealShape.Linear, nameof(options.AnnealStrategy), options.AnnealStrategy, "Cosine or Linear");
        check.Positive(options.DivFactor, nameof(options.DivFactor));
        check.Positive(options.FinalDivFactor, nameof(options.FinalDivFactor));
        RequireFiniteOneCycleEnds(check, options);
        check.FiniteNotNegative(options.BaseMomentum, nameof(options.BaseMomentum));
        check.FiniteNotNegative(options.MaxMomentum, nameof(options.MaxMomentum));
        check.ThrowIfInvalid();

        double[] ends = PhaseEnds(options);
        if (ends[0] == 0)
        {
            check.Require(false, nameof(options.PctStart), options.PctStart, "such that PctStart · TotalSteps is not 1, where the first phase would end at step 0 and PyTorch divides 0 by 0");
        }

        check.ThrowIfInvalid();
        double[] values;
        if (momentum)
        {
            double high = options.MaxMomentum;
            double low = options.BaseMomentum;
            // Two phases read the first three values, high → low → high; three phases hold high in the last.
            values = [high, low, high, high];
        }
        else
        {
            double initial = options.MaxLearningRate / options.DivFactor;
            double final = initial / options.FinalDivFactor;
            values = options.ThreePhase ? [initial, options.MaxLearningRate, initial, final] : [initial, options.MaxLearningRate, final];
        }

        return new TorchOneCycleSchedule(ends, values, options.AnnealStrategy == AnnealShape.Cosine);
    }

    private static double[] PhaseEnds(OneCycleOptions options)
    {
        double t = options.TotalSteps;
        double rise = (options.PctStart * t) - 1.0;
        return options.ThreePhase ? [rise, (2.0 * options.PctStart * t) - 2.0, t - 1.0] : [rise, t - 1.0];
    }

    private static SequenceSchedule OneCyclePhases(OneCycleOptions options, double[] values)
    {
        double[] ends = PhaseEnds(options);
        var phases = new LearningRateSchedule[ends.Length];
        double start = 0;
        for (int i = 0; i < ends.Length; i++)
        {
            phases[i] = new AnnealSchedule(values[i], values[i + 1], ends[i] - start, options.AnnealStrategy);
            start = ends[i];
        }

        return new SequenceSchedule(phases, ends[..^1], restartClocks: true);
    }
}
