using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Feedback;
using BatchLr.Internal;

namespace BatchLr.Schedules;

/// <summary>Reduces the learning rate when a metric stops improving (PyTorch's ReduceLROnPlateau).</summary>
/// <remarks>
/// <para>
/// After each <see cref="Report(double)"/>, a metric is better than the best so far when, in min mode, it is below
/// <c>best · (1 - threshold)</c> (relative) or <c>best - threshold</c> (absolute); max mode mirrors this. The best starts at
/// +∞ in min mode and -∞ in max mode, as in PyTorch, so in min mode with a relative threshold of 1 or more no report is ever
/// better (<c>∞ · 0</c> is NaN, <c>∞ · (1 - threshold)</c> is -∞) and every report counts as bad. Better
/// resets the count of bad reports; otherwise it grows. During a cooldown the count is held at zero. When the
/// count exceeds <see cref="Feedback.PlateauOptions.Patience"/>, every group's rate becomes
/// <c>max(lr · factor, min_lr)</c> (skipped where the change is not more than <c>eps</c>), the count resets and a cooldown starts.
/// With <see cref="Feedback.PlateauMonitor.TrainingLoss"/>, <see cref="ObserveLoss(double)"/> averages training losses over
/// windows and reports each full window's mean.
/// </para>
/// <para>
/// On its own it holds learning rates. A <see cref="TrainingPlanner"/> uses it for the factor on top of a schedule
/// (<see cref="OptimizerSchedule.WithPlateau(ReduceOnPlateauOptions)"/>): the values start at 1 and are factors.
/// </para>
/// <para>
/// Unlike a closed-form schedule this one has state, held whole in <see cref="State"/>; a checkpoint of that
/// record resumes to the identical sequence. A NaN or infinite metric is refused and changes nothing.
/// </para>
/// <para>
/// Thread safety: an instance is not thread-safe; it follows one training loop and is called from one thread at a time. Its
/// <see cref="State"/> is an immutable snapshot. The planner creates its own from an <see cref="OptimizerSchedule"/>, so the
/// schedule itself can be shared.
/// </para>
/// </remarks>
public sealed class ReduceOnPlateau
{
    private readonly double _factor;
    private readonly double[] _minimums;
    private readonly double _eps;
    private readonly double[] _rates;
    private readonly PlateauDetector _detector;
    private readonly ReduceOnPlateauOptions _options;

    /// <summary>Initializes a new instance of the <see cref="ReduceOnPlateau"/> class at the start of training.</summary>
    /// <param name="options">The configuration; checked once and copied.</param>
    /// <param name="initialLearningRates">The starting learning rate of each parameter group; at least one, finite and zero or more.</param>
    /// <exception cref="ArgumentException">An option or rate breaks its rule; the message lists every broken option rule.</exception>
    public ReduceOnPlateau(ReduceOnPlateauOptions options, IReadOnlyList<double> initialLearningRates)
        : this(options, new ReduceOnPlateauState(initialLearningRates, null, 0, 0, 0), nameof(initialLearningRates))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ReduceOnPlateau"/> class from a saved state.</summary>
    /// <param name="options">The configuration the state was produced with.</param>
    /// <param name="state">The state, as returned by <see cref="State"/>.</param>
    /// <exception cref="ArgumentException">An option or a field of the state breaks its rule.</exception>
    public ReduceOnPlateau(ReduceOnPlateauOptions options, ReduceOnPlateauState state)
        : this(options, state, "state.LearningRates")
    {
    }

    private ReduceOnPlateau(ReduceOnPlateauOptions options, ReduceOnPlateauState state, string ratesName)
    {
        Guard.NotNull(options);
        Guard.NotNull(state);
        Guard.NotNull(state.LearningRates, ratesName);
        int groups = state.LearningRates.Count;
        Validate(options, groups);

        if (groups == 0)
        {
            throw new ArgumentException("'" + ratesName + "' is empty; it must hold one learning rate per parameter group.", ratesName);
        }

        _rates = new double[groups];
        for (int i = 0; i < groups; i++)
        {
            double rate = state.LearningRates[i];
            if (!(rate >= 0) || double.IsPositiveInfinity(rate))
            {
                throw Guard.OutOfRange(string.Create(CultureInfo.InvariantCulture, $"{ratesName}[{i}]"), rate, "a finite number zero or more");
            }

            _rates[i] = rate;
        }

        if (state.Best is { } best && !double.IsFinite(best))
        {
            throw Guard.OutOfRange("state.Best", best, "a finite number or null");
        }

        if (state.BadReports < 0)
        {
            throw Guard.OutOfRange("state.BadReports", state.BadReports, "zero or more");
        }

        if (state.CooldownLeft < 0)
        {
            throw Guard.OutOfRange("state.CooldownLeft", state.CooldownLeft, "zero or more");
        }

        if (state.Reports < 0)
        {
            throw Guard.OutOfRange("state.Reports", state.Reports, "zero or more");
        }

        if (!double.IsFinite(state.LossSum))
        {
            throw Guard.OutOfRange("state.LossSum", state.LossSum, "a finite number");
        }

        if (state.LossCount < 0 || state.LossCount >= options.LossWindow)
        {
            throw Guard.OutOfRange("state.LossCount", state.LossCount, "zero or more and less than LossWindow, " + options.LossWindow.ToString(CultureInfo.InvariantCulture));
        }

        _factor = options.Factor;
        _eps = options.Eps;
        IReadOnlyList<double> minimums = options.MinLearningRates;
        _minimums = new double[groups];
        for (int i = 0; i < groups; i++)
        {
            _minimums[i] = minimums[minimums.Count == 1 ? 0 : i];
        }

        _detector = options.CreateDetector();
        _detector.Load(state.Best, state.BadReports, state.CooldownLeft, state.Reports, state.LossSum, state.LossCount);
        // Restore builds an instance from these rules only to check a state and load the detector; this instance keeps its
        // own factor, minimums and eps, so the copy needs the detector's rules alone.
        _options = options.CopyTo(new ReduceOnPlateauOptions());
    }

    /// <summary>Gets the number of parameter groups.</summary>
    public int GroupCount => _rates.Length;

    /// <summary>Gets a snapshot of the state, to save with a checkpoint.</summary>
    public ReduceOnPlateauState State => new((double[])_rates.Clone(), _detector.Best, _detector.BadReports, _detector.CooldownLeft, _detector.Reports, _detector.LossSum, _detector.LossCount);

    /// <summary>Gets the metric this reduction watches; the <see cref="TrainingPlanner"/> routes metrics and losses by it.</summary>
    public PlateauMonitor Monitor => _detector.Monitor;

    /// <summary>Returns the learning rate now in effect for a parameter group.</summary>
    /// <param name="group">The group index, from 0 to <see cref="GroupCount"/> - 1.</param>
    /// <returns>The group's learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="group"/> is not a group index.</exception>
    public double GetLearningRate(int group)
    {
        if ((uint)group >= (uint)_rates.Length)
        {
            throw Guard.OutOfRange(nameof(group), group, "from 0 to " + (_rates.Length - 1).ToString(CultureInfo.InvariantCulture));
        }

        return _rates[group];
    }

    /// <summary>Reports a new value of the watched metric, and reduces the learning rates if it has plateaued.</summary>
    /// <param name="metric">The metric, such as a validation loss; finite.</param>
    /// <returns><see langword="true"/> when any group's learning rate was reduced by this report.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is NaN or infinite; the state is unchanged.</exception>
    public bool Report(double metric)
    {
        if (!double.IsFinite(metric))
        {
            throw Guard.OutOfRange(nameof(metric), metric, "a finite number; a NaN or infinite metric would corrupt the best value, so it is refused and the state is unchanged");
        }

        return _detector.Observe(metric) && Reduce();
    }

    /// <summary>Adds the training loss of one step; when <see cref="PlateauOptions.Monitor"/> is <see cref="PlateauMonitor.TrainingLoss"/>, every full window of <see cref="PlateauOptions.LossWindow"/> losses is reported as its mean.</summary>
    /// <param name="loss">The step's training loss; finite.</param>
    /// <returns><see langword="true"/> when a window's report reduced a learning rate; always <see langword="false"/> when the reported metric is watched instead.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="loss"/> is NaN or infinite; the state is unchanged.</exception>
    public bool ObserveLoss(double loss)
    {
        if (!double.IsFinite(loss))
        {
            throw Guard.OutOfRange(nameof(loss), loss, "a finite number; a NaN or infinite loss would corrupt the window, so it is refused and the state is unchanged");
        }

        return _detector.ObserveLoss(loss) && Reduce();
    }

    /// <summary>Replaces the state with a saved one, as when resuming from a checkpoint.</summary>
    /// <param name="state">A state produced by <see cref="State"/> of a schedule with the same options and group count.</param>
    /// <exception cref="ArgumentException">A field of the state breaks its rule; nothing is changed.</exception>
    public void Restore(ReduceOnPlateauState state)
    {
        Guard.NotNull(state);
        if (state.LearningRates is { } rates && rates.Count != GroupCount)
        {
            throw Guard.OutOfRange("state.LearningRates.Count", rates.Count, "the number of parameter groups, " + GroupCount.ToString(CultureInfo.InvariantCulture));
        }

        var restored = new ReduceOnPlateau(_options, state);
        Array.Copy(restored._rates, _rates, _rates.Length);
        _detector.CopyFrom(restored._detector);
    }

    private static void Validate(ReduceOnPlateauOptions options, int groups)
    {
        var check = new OptionsValidation(nameof(options));
        options.Validate(check);
        check.Require(options.Factor is > 0 and < 1, nameof(options.Factor), options.Factor, "greater than zero and less than 1");
        check.FiniteNotNegative(options.Eps, nameof(options.Eps));
        IReadOnlyList<double>? minimums = options.MinLearningRates;
        check.Require(minimums is not null && (minimums.Count == 1 || minimums.Count == groups), nameof(options.MinLearningRates) + ".Count", minimums?.Count, "1, or the number of parameter groups, " + groups.ToString(CultureInfo.InvariantCulture));
        if (minimums is not null)
        {
            for (int i = 0; i < minimums.Count; i++)
            {
                check.FiniteNotNegative(minimums[i], string.Create(CultureInfo.InvariantCulture, $"{nameof(options.MinLearningRates)}[{i}]"));
            }
        }

        check.ThrowIfInvalid();
    }

    private bool Reduce()
    {
        bool reduced = false;
        for (int i = 0; i < _rates.Length; i++)
        {
            double old = _rates[i];
            double next = Math.Max(old * _factor, _minimums[i]);
            if (old - next > _eps)
            {
                _rates[i] = next;
                reduced = true;
            }
        }

        return reduced;
    }
}
