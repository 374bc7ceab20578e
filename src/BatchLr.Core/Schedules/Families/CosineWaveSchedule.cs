using System;

namespace BatchLr.Schedules.Families;

/// <summary>
/// A cosine that never stops: <c>v(t) = minimum + (initial - minimum) · (1 + cos(π t / T)) / 2</c> for every <c>t</c>, falling
/// to <c>minimum</c> at <c>T</c> and rising back to <c>initial</c> at <c>2T</c> (PyTorch's CosineAnnealingLR, which keeps
/// following its cosine past <c>T_max</c>).
/// </summary>
/// <remarks>The angle is computed as PyTorch's closed form does, <c>π · t / T</c>, so the values agree to the last few bits.</remarks>
internal sealed class CosineWaveSchedule(double initial, double minimum, double halfPeriod) : LearningRateSchedule
{
    protected internal override double EvaluateCore(double position) =>
        minimum + ((initial - minimum) * (1.0 + Math.Cos(Math.PI * position / halfPeriod)) / 2.0);
}
