namespace BatchLr.Feedback;

/// <summary>Holds everything a <see cref="GradientNoiseEstimator"/> remembers.</summary>
/// <param name="GradientSquaredNormAverage">The un-debiased moving average of the <c>|G|²</c> estimates.</param>
/// <param name="CovarianceTraceAverage">The un-debiased moving average of the <c>tr(Σ)</c> estimates.</param>
/// <param name="Observations">The number of measurements averaged so far.</param>
public sealed record GradientNoiseEstimatorState(double GradientSquaredNormAverage, double CovarianceTraceAverage, long Observations);
