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
/// <c>min + (max·g - min) · a · f(tcur / Ti)</c> (the peak decays toward a fixed floor, as in timm; the amplitude decays, as in
/// Keras), where <c>f</c> is the <see cref="RestartsCurve"/>. From cycle <c>limit</c> on the value is <c>min</c>.
/// The cycle is found in closed form, <c>i = floor(log_m(1 + t (m - 1) / T0))</c> (<c>floor(t / T0)</c> when <c>m = 1</c>),
/// then corrected against the exact cycle starts, so restarts fall on the right step even where the logarithm rounds the
/// wrong way. The correction takes a few comparisons at most, and where the parameters are so extreme that no double can
/// tell one cycle start from the next, <c>tcur</c> is kept within its cycle, so every position gives a value within the bounds
/// in constant time: nothing loops over cycles.
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
    /// <summary>The most corrections of the logarithm's cycle in each direction; one is all exact arithmetic ever needs.</summary>
    private const int MaxCorrections = 4;

    private readonly double _logMultiplier = Math.Log(periodMultiplier);

    /// <summary>Gets the largest peak of any cycle, <c>max · decay^i</c> over the cycles before the limit, or the floor when higher.</summary>
    internal override double Peak => Math.Max(Math.Abs(minimum), maximum * MaxGain(cycleDecay, cycleLimit));

    /// <summary>The largest <c>decay^i</c> over the cycles <c>i</c> before <paramref name="limit"/>: 1 when the peak does not grow.</summary>
    // Stryker disable once Equality : at decay = 1 both branches give 1, Math.Pow(1, y) being exactly 1 for every y
    internal static double MaxGain(double decay, double limit) => decay <= 1 ? 1 : Math.Pow(decay, limit - 1);

    protected internal override double EvaluateCore(double position)
    {
        (double cycle, double elapsed, double length) = periodMultiplier == 1.0 ? Even(position) : Growing(position);
        if (cycle >= cycleLimit)
        {
            return minimum;
        }

        // Stryker disable once Conditional : a shortcut only, Math.Pow(1, y) being exactly 1 for every y
        double gain = cycleDecay == 1.0 ? 1.0 : Math.Pow(cycleDecay, cycle);
        // Stryker disable once Conditional : a shortcut only, Math.Pow(1, y) being exactly 1 for every y
        double amplitude = amplitudeDecay == 1.0 ? 1.0 : Math.Pow(amplitudeDecay, cycle);
        double high = maximum * gain;
        double low = minimum;
        // Stryker disable once Conditional,Logical,Equality : length = period · m^i is never 0 (period > 0, m^i >= 1), and where it overflows elapsed is finite (the cycle starts at or before the position), so elapsed / ∞ is the 0 of the other branch
        double p = length > 0 && double.IsFinite(length) ? Math.Clamp(elapsed / length, 0.0, 1.0) : 0.0;
        double shape;
        switch (curve)
        {
            case RestartsCurve.Tanh:
                shape = 0.5 * (1.0 - Math.Tanh((curveA * (1.0 - p)) + (curveB * p)));
                break;
            case RestartsCurve.Polynomial:
                // Rounding cannot take a fractional power of a negative number: 1 - fraction is at least 0.
                // Stryker disable once Conditional : a shortcut only, Math.Pow(p, 1) being exactly p
                double fraction = kDecay == 1.0 ? p : Math.Pow(p, kDecay);
                shape = Math.Pow(Math.Max(0.0, 1.0 - fraction), curveA);
                break;
            default:
                // Stryker disable once Conditional : a shortcut only, Math.Pow(p, 1) being exactly p
                double ratio = kDecay == 1.0 ? p : Math.Pow(p, kDecay);
                shape = 0.5 * (1.0 + Math.Cos(Math.PI * ratio));
                break;
        }

        // The amplitude decay is at most 1 (refused above), so a · f stays in [0, 1] and the value between the floor and the peak.
        double scaled = amplitude * shape;
        return Interpolation.Between(low + ((high - low) * scaled), low, high, scaled);
    }

    /// <summary>Cycles of equal length: <c>i = floor(t / T0)</c>, corrected once for the rounding of the division (never below 0: 0 · T0 is not above t).</summary>
    private (double Cycle, double Elapsed, double Length) Even(double position)
    {
        double cycle = Math.Floor(position / period);
        if ((cycle + 1.0) * period <= position)
        {
            cycle++;
        }
        else if (cycle * period > position)
        {
            cycle--;
        }

        return (cycle, position - (cycle * period), period);
    }

    /// <summary>Cycles growing by <c>m</c>: the logarithm, then at most a few steps to the exact start.</summary>
    private (double Cycle, double Elapsed, double Length) Growing(double position)
    {
        // 1 + t (m - 1) / T0 overflows for a tiny T0 at a far position; its logarithm is then the sum of the logarithms.
        double x = position / period * (periodMultiplier - 1.0);
        double log = double.IsFinite(x)
            ? Math.Log(1.0 + x)
            : Math.Log(position) - Math.Log(period) + Math.Log(periodMultiplier - 1.0);
        double cycle = Math.Max(0.0, Math.Floor(log / _logMultiplier));
        for (int k = 0; k < MaxCorrections && StartAt(Math.Pow(periodMultiplier, cycle + 1)) <= position; k++)
        {
            cycle++;
        }

        // Never below cycle 0, which starts at StartAt(1) = 0, not above any position.
        for (int k = 0; k < MaxCorrections && StartAt(Math.Pow(periodMultiplier, cycle)) > position; k++)
        {
            cycle--;
        }

        double scale = Math.Pow(periodMultiplier, cycle);
        return (cycle, position - StartAt(scale), period * scale);
    }

    // The start of the cycle whose length is period · scale: period · (m^cycle - 1) / (m - 1), given scale = m^cycle.
    private double StartAt(double scale) => period * (scale - 1.0) / (periodMultiplier - 1.0);
}
