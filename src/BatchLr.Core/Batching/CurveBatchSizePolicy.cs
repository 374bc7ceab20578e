using BatchLr.Schedules;

namespace BatchLr.Batching;

/// <summary>A batch size that follows a closed-form curve, rounded to the nearest allowed size.</summary>
internal sealed class CurveBatchSizePolicy(LearningRateSchedule curve, BatchSizeConstraints constraints) : IBatchSizePolicy
{
    public BatchSizeConstraints Constraints { get; } = constraints;

    public LearningRateSchedule Curve { get; } = curve;

    public int GetBatchSize(in TrainingProgress progress) => Constraints.ApplyCore(Curve.Evaluate(progress));
}
