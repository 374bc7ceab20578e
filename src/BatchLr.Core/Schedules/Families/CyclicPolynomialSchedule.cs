using System;

namespace BatchLr.Schedules.Families;

/// <summary>
/// Keras' PolynomialDecay with <c>cycle=True</c>: the decay horizon stretches to the next multiple of
/// <c>steps</c> past <c>t</c>, <c>v(t) = end + (initial - end) · (1 - t / H)^power</c> with <c>H = steps · max(1, ceil(t / steps))</c>.
/// </summary>
internal sealed class CyclicPolynomialSchedule(double initial, double end, double steps, double power) : LearningRateSchedule
{
    internal override double Peak => Math.Max(Math.Abs(initial), Math.Abs(end));

    protected internal override double EvaluateCore(double position)
    {
        double horizon = steps * Math.Max(1.0, Math.Ceiling(position / steps));
        if (horizon < position)
        {
            // position / steps rounded down onto a whole number k while position > k · steps: the next horizon applies.
            horizon += steps;
        }

        // Where no double lies between k · steps and (k + 1) · steps, the horizon rounds below the position: hold the cycle's end.
        double fraction = Math.Min(position / horizon, 1.0);
        double d = Math.Pow(1.0 - fraction, power);
        return Interpolation.Between(end + ((initial - end) * d), end, initial, d);
    }
}
