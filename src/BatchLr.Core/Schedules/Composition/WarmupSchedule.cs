using System;

namespace BatchLr.Schedules.Composition;

/// <summary>Rises from a start value to the wrapped schedule over a duration, then follows the schedule.</summary>
/// <remarks>
/// With <c>p = t / W</c> and target <c>T</c> (the schedule at 0 for a prefix, at <c>W</c> for an overlap), the
/// warmup value is <c>start + (T - start) · rise(p)</c> with <c>rise</c> = <c>p</c>, <c>(1 - cos(π p)) / 2</c>
/// or <c>1 - sqrt(1 - p)</c>, or <c>start · (T / start)^p</c> when exponential.
/// </remarks>
internal sealed class WarmupSchedule(LearningRateSchedule inner, double duration, double start, AnnealShape shape, WarmupMode mode) : LearningRateSchedule
{
    private readonly double _target = inner.EvaluateCore(mode == WarmupMode.Prefix ? 0.0 : duration);

    public override ProgressClock Clock => inner.Clock;

    internal override double Peak => Math.Max(Math.Max(Math.Abs(start), Math.Abs(_target)), inner.Peak);

    protected internal override double EvaluateCore(double position)
    {
        if (position >= duration)
        {
            return inner.EvaluateCore(mode == WarmupMode.Prefix ? position - duration : position);
        }

        double p = position / duration;
        if (shape == AnnealShape.Exponential)
        {
            return Families.AnnealSchedule.Geometric(start, _target, p);
        }

        double rise = shape switch
        {
            AnnealShape.Linear => p,
            AnnealShape.Cosine => 0.5 * (1.0 - Math.Cos(Math.PI * p)),
            _ => 1.0 - Math.Sqrt(1.0 - p),
        };
        // For the cosine this is the original's start + (T - start) · 0.5 · (1 - cos(π p)) bit for bit: halving is exact, so
        // ((T - start) · 0.5) · c and (T - start) · (0.5 · c) round the same product (short of subnormal numbers).
        double value = start + ((_target - start) * rise);
        return Families.Interpolation.Between(value, start, _target, rise);
    }
}
