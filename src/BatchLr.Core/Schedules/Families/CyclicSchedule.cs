using System;

namespace BatchLr.Schedules.Families;

/// <summary>
/// Triangular cycles between two values (Smith 2017, "Cyclical Learning Rates for Training Neural
/// Networks"; PyTorch's CyclicLR), optionally damped by a scale function of the cycle or the step.
/// </summary>
/// <remarks>
/// With <c>S = up + down</c>, <c>c = floor(1 + t / S)</c> and <c>x = 1 + t / S - c</c>, the ramp is
/// <c>r = x / (up / S)</c> while <c>x ≤ up / S</c> and <c>(x - 1) / (up / S - 1)</c> after it. The value is
/// <c>low + (high - low) · r · scale(c or t)</c>; an inverted cycle (the momentum companion) is
/// <c>high - (high - low) · r · scale(c or t)</c>.
/// </remarks>
internal sealed class CyclicSchedule(
    double low,
    double high,
    double up,
    double down,
    Func<double, double>? scale,
    bool scaleByCycle,
    bool inverted,
    bool bounded) : LearningRateSchedule
{
    private readonly double _total = up + down;
    private readonly double _upRatio = up / (up + down);

    internal override double Peak => bounded ? Math.Max(Math.Abs(low), Math.Abs(high)) : double.PositiveInfinity;

    protected internal override double EvaluateCore(double position)
    {
        // Past 2^53 cycles the phase is not representable and x is 0; a ratio that overflows is held there too.
        double t = Math.Min(position / _total, double.MaxValue);
        double cycle = Math.Floor(1.0 + t);
        double x = 1.0 + t - cycle;
        double ramp;
        if (x <= _upRatio)
        {
            // A rise too short against the fall for their ratio to be a double (up / S = 0) reaches this branch at x = 0 only.
            // Stryker disable once Equality,Conditional : there 0 / 0 = NaN makes value and fraction NaN, and Interpolation.Between returns its from end, as for ramp 0
            ramp = _upRatio > 0 ? x / _upRatio : 0.0;
        }
        else
        {
            ramp = (x - 1.0) / (_upRatio - 1.0);
        }

        double height = (high - low) * ramp;
        double damping = scale is null ? 1.0 : scale(scaleByCycle ? cycle : position);
        return inverted
            ? Interpolation.Between(high - (height * damping), high, low, ramp * damping)
            : Interpolation.Between(low + (height * damping), low, high, ramp * damping);
    }
}
