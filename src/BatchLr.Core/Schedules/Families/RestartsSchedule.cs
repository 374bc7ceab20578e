using System;

namespace BatchLr.Schedules.Families;

/// <summary>The falling curve inside each cycle of a <see cref="RestartsSchedule"/>.</summary>
internal enum RestartsCurve
{
    /// <summary><c>(1 + cos(π tcur^k / Ti^k)) / 2</c>.</summary>
    Cosine,

    /// <summary><c>(1 - tanh(lower · (1 - p) + upper · p)) / 2</c> with <c>p = tcur / Ti</c>.</summary>
    Tanh,

    /// <summary><c>(1 - tcur^k / Ti^k)^power</c>.</summary>
    Polynomial,
}

/// <summary>
/// Cycles of a falling curve between a decayed maximum and minimum, with periods growing
/// geometrically (SGDR, Loshchilov and Hutter 2017; timm's CosineLRScheduler, TanhLRScheduler and
/// PolyLRScheduler; Keras' CosineDecayRestarts).
/// </summary>
/// <remarks>
/// Cycle <c>i</c> starts at <c>T0 · (m^i - 1) / (m - 1)</c> (at <c>i · T0</c> when <c>m = 1</c>) and lasts
/// <c>Ti = T0 · m^i</c>. Inside it, with <c>g = decay^i</c> and <c>a = amplitudeDecay^i</c>, the value is
/// <c>min + (max·g - min) · a · f</c> (the peak decays toward a fixed floor, as in timm; the amplitude decays, as in Keras),
/// where <c>f</c> is the <see cref="RestartsCurve"/>. From cycle <c>limit</c> on the value is <c>min</c>.
/// The cycle is located with a logarithm and then corrected against the exact cycle starts, so
/// restarts fall on the right step even where the logarithm rounds the wrong way.
/// </remarks>
internal sealed class RestartsSchedule(
    double maximum,
    double minimum,
    double period,
    double periodMultiplier,
    double cycleDecay,
    double amplitudeDecay,
    double cycleLimit,
    double kDecay,
    RestartsCurve curve,
    double curveA,
    double curveB) : LearningRateSchedule
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
        double amplitude = amplitudeDecay == 1.0 ? 1.0 : Math.Pow(amplitudeDecay, cycle);
        double high = maximum * gain;
        double low = minimum;
        double shape;
        switch (curve)
        {
            case RestartsCurve.Tanh:
                double p = elapsed / length;
                shape = 0.5 * (1.0 - Math.Tanh((curveA * (1.0 - p)) + (curveB * p)));
                break;
            case RestartsCurve.Polynomial:
                // Rounding cannot take a fractional power of a negative number: 1 - fraction is at least 0.
                double fraction = kDecay == 1.0 ? elapsed / length : Math.Pow(elapsed / length, kDecay);
                shape = Math.Pow(Math.Max(0.0, 1.0 - fraction), curveA);
                break;
            default:
                double ratio = kDecay == 1.0 ? elapsed / length : Math.Pow(elapsed / length, kDecay);
                shape = 0.5 * (1.0 + Math.Cos(Math.PI * ratio));
                break;
        }

        return low + ((high - low) * amplitude * shape);
    }

    // The start of the cycle whose length is period · scale: period · (m^cycle - 1) / (m - 1), given scale = m^cycle.
    private double StartAt(double scale) => period * (scale - 1.0) / (periodMultiplier - 1.0);
}
