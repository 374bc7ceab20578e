using System;

namespace BatchLr.Schedules.Families;

/// <summary>
/// A cosine between two values that keeps oscillating with no horizon: Hugging Face's cosine lambdas, which go on
/// evaluating the cosine past <c>num_training_steps</c> (progress above 1).
/// </summary>
/// <remarks><c>v(t) = low + (high - low) · (1 + cos(2π · cycles · t / duration)) / 2</c> for every <c>t ≥ 0</c>.</remarks>
internal sealed class CosineWaveSchedule(double high, double low, double duration, double cycles) : LearningRateSchedule
{
    protected internal override double EvaluateCore(double position) =>
        low + ((high - low) * 0.5 * (1.0 + Math.Cos(Math.PI * cycles * 2.0 * (position / duration))));
}
