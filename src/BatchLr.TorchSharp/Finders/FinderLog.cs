using Microsoft.Extensions.Logging;

namespace BatchLr.TorchSharp;

/// <summary>The finders' log events: ids 100 and up, next to the plans' 1 to 99 (<see cref="Logging.PlanLogger"/>).</summary>
internal static partial class FinderLog
{
    [LoggerMessage(
        EventId = 100,
        EventName = "LearningRateFinderResult",
        Level = LogLevel.Information,
        Message = "Learning-rate range test: {Points} points, {StopReason}; suggestions: steepest {Steepest}, minimum/10 {MinimumOverTen}, valley {Valley}")]
    public static partial void LearningRateFinderResult(ILogger logger, int points, LearningRateFinderStopReason stopReason, double steepest, double minimumOverTen, double valley);

    [LoggerMessage(
        EventId = 101,
        EventName = "GradientNoiseMeasured",
        Level = LogLevel.Information,
        Message = "Gradient noise over {Steps} steps: |G|² {GradientSquaredNorm}, tr(Σ) {CovarianceTrace}, B_simple {NoiseScale}; suggested batch {SuggestedBatchSize}")]
    public static partial void GradientNoiseMeasured(ILogger logger, int steps, double gradientSquaredNorm, double covarianceTrace, double noiseScale, int suggestedBatchSize);
}
