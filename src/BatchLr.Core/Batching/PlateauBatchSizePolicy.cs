using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr.Batching;

/// <summary>Multiplies the batch size by a factor each time the validation metric plateaus.</summary>
internal sealed class PlateauBatchSizePolicy : IAdaptiveBatchSizePolicy
{
    private readonly double _factor;
    private readonly PlateauDetector _detector;
    private int _batchSize;

    public PlateauBatchSizePolicy(PlateauBatchSizeOptions options)
    {
        _factor = options.Factor;
        Constraints = options.Constraints;
        _detector = new PlateauDetector(options.Mode, options.Patience, options.Threshold, options.ThresholdMode, options.Cooldown);
        _batchSize = options.InitialBatchSize;
    }

    public BatchSizeConstraints Constraints { get; }

    public AdaptiveBatchState State
    {
        get
        {
            var values = StateValues.New();
            if (_detector.Best is { } best)
            {
                values["best"] = best; // absent before the first report: JSON has no NaN
            }

            values["bad_reports"] = _detector.BadReports;
            values["cooldown_left"] = _detector.CooldownLeft;
            values["reports"] = _detector.Reports;
            return new AdaptiveBatchState(_batchSize, values);
        }
    }

    public int GetBatchSize(in TrainingProgress progress) => _batchSize;

    public void Observe(in BatchFeedback feedback)
    {
        // Steps teach nothing: the policy waits for reported metrics.
    }

    public void Report(double metric)
    {
        if (_detector.Observe(metric))
        {
            // A plateau asks for a change: when the factor rounds back to the same size, move one allowed step.
            _batchSize = Constraints.Move(_batchSize, _batchSize * _factor, _factor > 1 ? double.PositiveInfinity : 0.0);
        }
    }

    public void Restore(AdaptiveBatchState state)
    {
        StateValues.CheckBatch(state, Constraints);
        double? best = state.Values is not null && state.Values.TryGetValue("best", out double saved) ? saved : null;
        if (best is { } value && !double.IsFinite(value))
        {
            throw new System.ArgumentOutOfRangeException(nameof(state), value, "'state.Values[best]' is not finite; it must be a finite number, or absent before the first report.");
        }

        int bad = StateValues.ReadCount(state, "bad_reports");
        int cooldown = StateValues.ReadCount(state, "cooldown_left");
        int reports = StateValues.ReadCount(state, "reports");
        _detector.Best = best;
        _detector.BadReports = bad;
        _detector.CooldownLeft = cooldown;
        _detector.Reports = reports;
        _batchSize = state.BatchSize;
    }
}
