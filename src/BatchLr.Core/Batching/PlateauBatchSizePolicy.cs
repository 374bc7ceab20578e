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
            values["best"] = _detector.Best ?? double.NaN;
            values["bad_reports"] = _detector.BadReports;
            values["cooldown_left"] = _detector.CooldownLeft;
            values["reports"] = _detector.Reports;
            return new AdaptiveBatchState(_batchSize, values);
        }
    }

    public int GetBatchSize(in TrainingProgress progress) => _batchSize;

    public void Observe(in BatchFeedback feedback)
    {
        if (!double.IsFinite(feedback.ValidationMetric))
        {
            return; // no metric with this step: nothing to learn
        }

        if (_detector.Observe(feedback.ValidationMetric))
        {
            _batchSize = Constraints.ApplyCore(_batchSize * _factor);
        }
    }

    public void Restore(AdaptiveBatchState state)
    {
        StateValues.CheckBatch(state, Constraints);
        double best = StateValues.Read(state, "best");
        int bad = StateValues.ReadCount(state, "bad_reports");
        int cooldown = StateValues.ReadCount(state, "cooldown_left");
        double reports = StateValues.Read(state, "reports");
        _detector.Best = double.IsNaN(best) ? null : best;
        _detector.BadReports = bad;
        _detector.CooldownLeft = cooldown;
        _detector.Reports = (long)reports;
        _batchSize = state.BatchSize;
    }
}
