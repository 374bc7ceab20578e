using Microsoft.Extensions.Logging;

namespace BatchLr.Logging;

/// <summary>The events of <see cref="PlanLogger"/>, source-generated so a disabled level costs one check and allocates nothing.</summary>
/// <remarks>The event ids are stable: 1 to 99 belong to plans; 100 and up are kept for the finders.</remarks>
internal static partial class PlanLog
{
    [LoggerMessage(
        EventId = 1,
        EventName = "BatchSizeChanged",
        Level = LogLevel.Information,
        Message = "The batch size changes from {PreviousBatchSize} to {BatchSize} at step {Step}: {AccumulationSteps} micro-batches of up to {MicroBatchSize} on each of {Replicas} replicas")]
    public static partial void BatchSizeChanged(ILogger logger, long step, int previousBatchSize, int batchSize, int microBatchSize, int accumulationSteps, int replicas);

    [LoggerMessage(
        EventId = 2,
        EventName = "LearningRateReducedOnPlateau",
        Level = LogLevel.Information,
        Message = "A plateau reduced the learning rate of group {Group} by a factor of {Factor} to {LearningRate} at step {Step}")]
    public static partial void LearningRateReduced(ILogger logger, long step, int group, double factor, double learningRate);

    [LoggerMessage(
        EventId = 3,
        EventName = "BatchSizeChangedOnPlateau",
        Level = LogLevel.Information,
        Message = "A plateau {Direction} the batch at step {Step}: its multiplier goes from {PreviousMultiplier} to {Multiplier}, the batch size from {PreviousBatchSize} to {BatchSize}")]
    public static partial void BatchSizeChangedOnPlateau(ILogger logger, long step, string direction, double previousMultiplier, double multiplier, int previousBatchSize, int batchSize);
}
