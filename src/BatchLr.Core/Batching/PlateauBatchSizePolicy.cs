using System;
using BatchLr.Feedback;

namespace BatchLr.Batching;

/// <summary>A closed-form batch-size policy times a factor that is multiplied by a constant each time the watched metric plateaus.</summary>
/// <remarks>
/// <c>B(t) = constrain(base(t) · m)</c>. The multiplier <c>m</c> starts at 1 and is multiplied by the factor at each plateau,
/// but kept within <c>[lowest / highest, highest / lowest]</c> of the allowed sizes: beyond those bounds no further plateau
/// could change any batch, so a long stall cannot push it out of reach.
/// </remarks>
internal sealed class PlateauBatchSizePolicy : IAdaptiveBatchSizePolicy
{
    private readonly IBatchSizePolicy _base;
    private readonly double _factor;
    private readonly double _lowestMultiplier;
    private readonly double _highestMultiplier;
    private readonly PlateauDetector _detector;
    private double _multiplier = 1.0;
    private TrainingProgress _last;

    public PlateauBatchSizePolicy(IBatchSizePolicy basePolicy, PlateauBatchSizeOptions options)
    {
        _base = basePolicy;
        Options = options;
        _factor = options.Factor;
        Constraints = basePolicy.Constraints;
        _highestMultiplier = (double)Constraints.HighestAllowed / Constraints.LowestAllowed;
        _lowestMultiplier = 1.0 / _highestMultiplier;
        _detector = options.CreateDetector();
    }

    public BatchSizeConstraints Constraints { get; }

    /// <summary>Gets the closed-form policy the factor multiplies.</summary>
    public IBatchSizePolicy Base => _base;

    /// <summary>Gets the factor the plateaus have put on the base policy so far; 1 before the first.</summary>
    public double Multiplier => _multiplier;

    /// <summary>Gets the options, a private copy.</summary>
    public PlateauBatchSizeOptions Options { get; }

    public AdaptiveBatchState State
    {
        get
        {
            var values = StateValues.New();
            values["multiplier"] = _multiplier;
            if (_detector.Best is { } best)
            {
                values["best"] = best; // absent before the first report: JSON has no NaN
            }

            values["bad_reports"] = _detector.BadReports;
            values["cooldown_left"] = _detector.CooldownLeft;
            values["reports"] = _detector.Reports;
            values["loss_sum"] = _detector.LossSum;
            values["loss_count"] = _detector.LossCount;
            return new AdaptiveBatchState(GetBatchSize(_last), values);
        }
    }

    public int GetBatchSize(in TrainingProgress progress) => Constraints.ApplyCore(_base.GetBatchSize(progress) * _multiplier);

    public void Observe(in BatchFeedback feedback)
    {
        _last = feedback.Progress;
        if (feedback.Loss is { } loss && double.IsFinite(loss) && _detector.ObserveLoss(loss))
        {
            Change();
        }
    }

    public void Report(double metric)
    {
        if (_detector.Monitor == PlateauMonitor.ReportedMetric && double.IsFinite(metric) && _detector.Observe(metric))
        {
            Change();
        }
    }

    public void Restore(AdaptiveBatchState state)
    {
        StateValues.CheckBatch(state, Constraints);
        double multiplier = StateValues.Read(state, "multiplier");
        if (!(multiplier >= _lowestMultiplier && multiplier <= _highestMultiplier))
        {
            throw new ArgumentOutOfRangeException(nameof(state), multiplier, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"'state.Values[multiplier]' is {multiplier}; it must lie between {_lowestMultiplier} and {_highestMultiplier}, the multipliers that can change a batch."));
        }

        double? best = state.Values.TryGetValue("best", out double saved) ? saved : null;
        if (best is { } value && !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(state), value, "'state.Values[best]' is not finite; it must be a finite number, or absent before the first report.");
        }

        int bad = StateValues.ReadCount(state, "bad_reports");
        int cooldown = StateValues.ReadCount(state, "cooldown_left");
        int reports = StateValues.ReadCount(state, "reports");
        double lossSum = StateValues.Read(state, "loss_sum");
        int lossCount = StateValues.ReadCount(state, "loss_count");
        if (lossCount >= Options.LossWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(state), lossCount, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"'state.Values[loss_count]' is {lossCount}; it must be less than LossWindow, {Options.LossWindow}: a full window has already been reported."));
        }

        if (!double.IsFinite(lossSum))
        {
            throw new ArgumentOutOfRangeException(nameof(state), lossSum, "'state.Values[loss_sum]' is not finite; it must be the finite sum of the window's losses.");
        }

        _multiplier = multiplier;
        _detector.Load(best, bad, cooldown, reports, lossSum, lossCount);
    }

    private void Change() => _multiplier = Math.Clamp(_multiplier * _factor, _lowestMultiplier, _highestMultiplier);
}
