using System;

namespace BatchLr.Schedules.Families;

/// <summary>
/// A cosine that never stops: <c>v(t) = minimum + (initial - minimum) · (1 + cos(π t / T)) / 2</c> for every <c>t</c>, falling
/// to <c>minimum</c> at <c>T</c> and rising back to <c>initial</c> at <c>2T</c> (PyTorch's CosineAnnealingLR, which keeps
/// following its cosine past <c>T_max</c>).
/// </summary>
/// <remarks>
/// The angle is computed as PyTorch's closed form does, <c>π · t / T</c>, so the values agree to the last few bits. Where
/// <c>t / T</c> overflows (a tiny <c>T</c> at a far position) the position is first reduced exactly modulo the period
/// <c>2T</c>; halving <c>1 + cos</c> before the product is exact and keeps rates near the largest double from overflowing.
/// </remarks>
internal sealed class CosineWaveSchedule(double initial, double minimum, double halfPeriod) : LearningRateSchedule
{
    /// <summary>Gets the larger of the two ends: the wave never leaves them.</summary>
    internal override double Peak => Math.Max(Math.Abs(initial), Math.Abs(minimum));

    protected internal override double EvaluateCore(double position)
    {
        double angle = Math.PI * position / halfPeriod;
        if (!double.IsFinite(angle))
        {
            angle = Math.PI * Math.IEEERemainder(position, 2.0 * halfPeriod) / halfPeriod;
        }

        return minimum + ((initial - minimum) * ((1.0 + Math.Cos(angle)) / 2.0));
    }
}
