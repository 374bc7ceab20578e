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
    bool inverted) : LearningRateSchedule
{
    private readonly double _total = up + down;
    private readonly double _upRatio = up / (up + down);

    protected internal override double EvaluateCore(double position)
    {
        double cycle = Math.Floor(1.0 + (position / _total));
        double x = 1.0 + (position / _total) - cycle;
        double ramp = x <= _upRatio ? x / _upRatio : (x - 1.0) / (_upRatio - 1.0);
        double height = (high - low) * ramp;
        double damping = scale is null ? 1.0 : scale(scaleByCycle ? cycle : position);
        return inverted ? high - (height * damping) : low + (height * damping);
    }
}
