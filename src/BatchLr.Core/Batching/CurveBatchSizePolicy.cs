using System;
using System.Globalization;
using BatchLr.Schedules;

namespace BatchLr.Batching;

/// <summary>A batch size that follows a closed-form curve, rounded to the nearest allowed size.</summary>
internal sealed class CurveBatchSizePolicy(LearningRateSchedule curve, BatchSizeConstraints constraints) : IBatchSizePolicy
{
    public BatchSizeConstraints Constraints { get; } = constraints;

    public LearningRateSchedule Curve { get; } = curve;

    public int GetBatchSize(in TrainingProgress progress)
    {
        double wanted = Curve.Evaluate(progress);
        if (double.IsNaN(wanted))
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The batch-size curve returned NaN at {progress}; a curve must give a number of samples for every point of training."));
        }

        return Constraints.ApplyCore(wanted);
    }
}
