using System;

namespace BatchLr.Schedules.Families;

/// <summary>
/// Cycles of a falling curve between a decayed maximum and minimum, with periods growing
/// geometrically (SGDR, Loshchilov and Hutter 2017; timm's CosineLRScheduler and TanhLRScheduler).
/// </summary>
/// <remarks>
/// Cycle <c>i</c> starts at <c>T0 · (m^i - 1) / (m - 1)</c> (at <c>i · T0</c> when <c>m = 1</c>) and lasts
/// <c>Ti = T0 · m^i</c>. Inside it, with <c>g = decay^i</c>, the value is
/// <c>min + (max·g - min) · f(tcur / Ti)</c> (the peak decays, the floor does not, as in timm), where <c>f</c> is the cosine <c>(1 + cos(π tcur^k / Ti^k)) / 2</c>
/// or the tanh curve <c>(1 - tanh(lower · (1 - p) + upper · p)) / 2</c>. From cycle <c>limit</c> on the value is <c>min</c>.
/// The cycle is located with a logarithm and then corrected against the exact cycle starts, so
/// restarts fall on the right step even where the logarithm rounds the wrong way.
/// </remarks>
internal sealed class RestartsSchedule(
    double maximum,
    double minimum,
    double period,
    double periodMultiplier,
    double cycleDecay,
    double cycleLimit,
    double kDecay,
    bool tanh,
    double tanhLower,
    double tanhUpper) : LearningRateSchedule
{
    private readonly double _logMultiplier = Math.Log(periodMultiplier);

    protected internal override double EvaluateCore(double position)
    {
        double cycle;
        double elapsed;
        double length;
        if (periodMultiplier == 1.0)
        {
            cycle = Math.Floor(position / period);
            if ((cycle + 1.0) * period <= position)
            {
                cycle++;
            }
            else if (cycle > 0 && cycle * period > position)
            {
                cycle--;
            }

            elapsed = position - (cycle * period);
            length = period;
        }
        else
        {
            cycle = Math.Floor(Math.Log(1.0 + (position / period * (periodMultiplier - 1.0))) / _logMultiplier);
            if (cycle < 0)
            {
                cycle = 0;
            }

            // scale = m^cycle and next = m^(cycle + 1), each computed once and reused for the cycle's start and length.
            double scale = Math.Pow(periodMultiplier, cycle);
            double next = Math.Pow(periodMultiplier, cycle + 1);
            while (StartAt(next) <= position)
            {
                cycle++;
                scale = next;
                next = Math.Pow(periodMultiplier, cycle + 1);
            }

            while (cycle > 0 && StartAt(scale) > position)
            {
                cycle--;
                scale = Math.Pow(periodMultiplier, cycle);
            }

            elapsed = position - StartAt(scale);
            length = period * scale;
        }

        if (cycle >= cycleLimit)
        {
            return minimum;
        }

        double gain = cycleDecay == 1.0 ? 1.0 : Math.Pow(cycleDecay, cycle);
        double high = maximum * gain;
        double low = minimum;
        double shape;
        if (tanh)
        {
            double p = elapsed / length;
            shape = 0.5 * (1.0 - Math.Tanh((tanhLower * (1.0 - p)) + (tanhUpper * p)));
        }
        else
        {
            double ratio = kDecay == 1.0 ? elapsed / length : Math.Pow(elapsed / length, kDecay);
            shape = 0.5 * (1.0 + Math.Cos(Math.PI * ratio));
        }

        return low + ((high - low) * shape);
    }

    // The start of the cycle whose length is period · scale: period · (m^cycle - 1) / (m - 1), given scale = m^cycle.
    private double StartAt(double scale) => period * (scale - 1.0) / (periodMultiplier - 1.0);
}
