using System;

namespace BatchLr.Schedules.Families;

/// <summary>Moves from one value to another over a duration along a shape, then holds the end value.</summary>
/// <remarks><c>v(t) = end + (start - end) · d(min(t / duration, 1))^exponent</c>, or geometric interpolation for <see cref="AnnealShape.Exponential"/>.</remarks>
internal sealed class AnnealSchedule(double start, double end, double duration, AnnealShape shape, double exponent = 1.0) : LearningRateSchedule
{
    public double Start { get; } = start;

    public double End { get; } = end;

    public double Duration { get; } = duration;

    public AnnealShape Shape { get; } = shape;

    public double Exponent { get; } = exponent;

    internal override double Peak => Math.Max(Math.Abs(Start), Math.Abs(End));

    protected internal override double EvaluateCore(double position) => At(position);

    /// <summary>The value at a position; shared by warmups, which run it backwards.</summary>
    internal double At(double position)
    {
        if (position >= Duration)
        {
            return End;
        }

        double p = position / Duration;
        if (Shape == AnnealShape.Exponential)
        {
            return Geometric(Start, End, p);
        }

        double d = Decay(Shape, p);
        if (Exponent != 1.0)
        {
            d = Math.Pow(d, Exponent);
        }

        return Interpolation.Between(End + ((Start - End) * d), End, Start, d);
    }

    /// <summary>
    /// Geometric interpolation <c>start · (end / start)^p</c> between two values greater than zero, in logarithms where the ratio
    /// leaves the range of a double (1e-300 to 1e300), so the result stays between the two.
    /// </summary>
    internal static double Geometric(double start, double end, double p)
    {
        double ratio = end / start;
        double value = ratio > 0 && double.IsFinite(ratio)
            ? start * Math.Pow(ratio, p)
            : Math.Exp(Math.Log(start) + (p * (Math.Log(end) - Math.Log(start))));
        // Both ends are greater than zero and finite (every caller refuses others) and p is finite, so value is never NaN.
        return Math.Clamp(value, Math.Min(start, end), Math.Max(start, end));
    }

    /// <summary>The falling curve d(p), 1 at p = 0 and 0 at p = 1.</summary>
    /// <remarks>The last arm is <see cref="AnnealShape.OneMinusSqrt"/>: exponential annealing is geometric interpolation, computed by the caller.</remarks>
    internal static double Decay(AnnealShape shape, double p) => shape switch
    {
        AnnealShape.Linear => 1.0 - p,
        AnnealShape.Cosine => 0.5 * (1.0 + Math.Cos(Math.PI * p)),
        _ => 1.0 - Math.Sqrt(p),
    };
}
