using System;

namespace BatchLr.Schedules.Composition;

/// <summary>How a scheduler of a <see cref="ChainedSchedule"/> changes the rate it is handed at each step.</summary>
internal enum ChainLinkKind
{
    /// <summary>Multiplies it by its factor's step ratio <c>c(t) / c(t - 1)</c> (StepLR, ExponentialLR, LinearLR, ...): <see cref="ChainLink.Schedule"/> is the factor <c>c</c>.</summary>
    Factor,

    /// <summary>PyTorch's recursive CosineAnnealingLR: <c>x → η + R(t) · (x - η)</c>, with the step after each trough adding instead.</summary>
    Cosine,

    /// <summary>Sets it, whatever it was (CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR): <see cref="ChainLink.Schedule"/> is the rate.</summary>
    Overwrite,
}

/// <summary>One scheduler of a <see cref="ChainedSchedule"/>.</summary>
/// <param name="Kind">How it changes the rate.</param>
/// <param name="Schedule">The factor (<see cref="ChainLinkKind.Factor"/>) or the rate (<see cref="ChainLinkKind.Overwrite"/>); unused for a cosine.</param>
/// <param name="Base">A cosine's base rate <c>b</c> (its <c>initial_lr</c>); for a scheduler that sets the rate, its rate at construction when that is not its schedule's value at 0 (a CyclicLR computes its first rate from the <c>initial_lr</c> an earlier scheduler set), or NaN.</param>
/// <param name="Minimum">A cosine's <c>η</c> (<c>eta_min</c>).</param>
/// <param name="Period">A cosine's <c>T</c> (<c>T_max</c>).</param>
internal readonly record struct ChainLink(ChainLinkKind Kind, LearningRateSchedule? Schedule, double Base = double.NaN, double Minimum = 0, double Period = 1);

/// <summary>
/// PyTorch's ChainedScheduler: at every step each scheduler, in order, changes the rate the previous one left (its
/// recursive <c>get_lr</c>), starting from the rate the construction of all of them left.
/// </summary>
/// <remarks>
/// <para>
/// The value at step <c>t</c> has a closed form in the cases the spec accepts. With a scheduler that sets the rate (the last
/// <see cref="ChainLinkKind.Overwrite"/>, at index <c>k</c>), the value is its rate <c>v_k(t)</c> put through the one-step
/// changes of the schedulers after it: a factor's <c>c(t) / c(t - 1)</c> (or <c>c(0)</c> at step 0, its construction), a
/// cosine's recursion <c>η + R(t)(x - η)</c> with <c>R(t) = (1 + cos(π t / T)) / (1 + cos(π (t - 1) / T))</c>, or at a step
/// <c>t = T + 1 + 2jT</c> after a trough <c>x + (b - η)(1 - cos(π / T)) / 2</c>. The schedulers before <c>k</c> do not matter.
/// </para>
/// <para>
/// Without one, the factors multiply the starting rate <c>s</c>: <c>s · Π c_i(t)</c>. One cosine with <c>η = 0</c> multiplies
/// by <c>w(t) = (1 + cos(π t / T)) / 2</c> until its first trough, where the rate is 0; the step after it adds
/// <c>b · w(t₀)</c>, so from the latest such step <c>t₀</c> the value is
/// <c>b · w(t) · Π_{i before} c_i(t) / c_i(t₀) · Π_{i after} c_i(t) / c_i(t₀ - 1)</c> (a factor that has reached 0 stays
/// at 1). A cosine with <c>η &gt; 0</c> alone is <c>η + (s - η) · w(t)</c> until its first trough and
/// <c>η + (b - η) · w(t)</c> after it. The spec refuses the chains this leaves out (a cosine with <c>η &gt; 0</c> beside a
/// factor, two cosines), whose recursion has no closed form.
/// </para>
/// </remarks>
internal sealed class ChainedSchedule : LearningRateSchedule
{
    private readonly double _start;
    private readonly ChainLink[] _links;
    private readonly int _overwrite;
    private readonly int _cosine;

    public ChainedSchedule(double start, ChainLink[] links)
    {
        _start = start;
        _links = links;
        _overwrite = Array.FindLastIndex(links, l => l.Kind == ChainLinkKind.Overwrite);
        _cosine = Array.FindIndex(links, l => l.Kind == ChainLinkKind.Cosine);
    }

    /// <summary>Gets the index of the last scheduler that sets the rate, or -1.</summary>
    public int LastOverwrite => _overwrite;

    /// <summary>
    /// Returns whether PyTorch's cosine adds at this step instead of multiplying: the step after a trough, <c>(t - 1 - T) mod 2T = 0</c>
    /// with <c>t ≥ 1</c>, that is <c>(t - 1) mod 2T = T</c> for a whole <c>T</c>. The remainder equals the whole number <c>T</c> only
    /// at a whole <c>t</c>, and is negative below <c>t = 1</c>, so no other test is needed.
    /// </summary>
    internal static bool AfterTrough(double t, double period) =>
        period == Math.Floor(period) && (t - 1) % (2 * period) == period;

    /// <summary>The cosine factor <c>w(t) = (1 + cos(π t / T)) / 2</c>.</summary>
    internal static double Wave(double t, double period) => (1.0 + Math.Cos(Math.PI * t / period)) / 2.0;

    protected internal override double EvaluateCore(double position)
    {
        if (_overwrite >= 0)
        {
            ChainLink setter = _links[_overwrite];
            double x = position < 1 && !double.IsNaN(setter.Base) ? setter.Base : setter.Schedule!.EvaluateCore(position);
            for (int i = _overwrite + 1; i < _links.Length; i++)
            {
                x = OneStep(_links[i], position, x);
            }

            return x;
        }

        if (_cosine < 0)
        {
            double product = _start;
            foreach (ChainLink link in _links)
            {
                product *= link.Schedule!.EvaluateCore(position);
            }

            return product;
        }

        ChainLink cosine = _links[_cosine];
        double period = cosine.Period;
        double trough = period + 1; // the first step after the first trough
        bool periodic = period == Math.Floor(period);
        if (!periodic || position < trough)
        {
            double value = cosine.Minimum + ((_start - cosine.Minimum) * Wave(position, period));
            for (int i = 0; i < _links.Length; i++)
            {
                if (i != _cosine)
                {
                    value *= _links[i].Schedule!.EvaluateCore(position);
                }
            }

            return value;
        }

        double t0 = trough + (2 * period * Math.Floor((position - trough) / (2 * period)));
        double result = cosine.Minimum + ((cosine.Base - cosine.Minimum) * Wave(position, period));
        for (int i = 0; i < _links.Length; i++)
        {
            if (i != _cosine)
            {
                // Stryker disable once Equality : inside i != _cosine, i < _cosine and i <= _cosine are the same test
                result *= Since(_links[i].Schedule!, i < _cosine ? t0 : t0 - 1, position);
            }
        }

        return result;
    }

    /// <summary>The product of a factor's step ratios after <paramref name="from"/> up to <paramref name="to"/>: <c>c(to) / c(from)</c>, or 1 once the factor is 0 (PyTorch keeps multiplying a rate of 0 by 1).</summary>
    private static double Since(LearningRateSchedule factor, double from, double to)
    {
        double before = factor.EvaluateCore(from);
        return before == 0 ? 1.0 : factor.EvaluateCore(to) / before;
    }

    private static double OneStep(ChainLink link, double t, double x)
    {
        if (link.Kind == ChainLinkKind.Factor)
        {
            return t < 1 ? x * link.Schedule!.EvaluateCore(t) : x * Since(link.Schedule!, t - 1, t);
        }

        // A cosine: unchanged at its construction (step 0), then PyTorch's recursive step.
        if (t < 1)
        {
            return x;
        }

        double period = link.Period;
        double below = 1.0 + Math.Cos(Math.PI * (t - 1) / period);
        if (AfterTrough(t, period) || below == 0)
        {
            return x + ((link.Base - link.Minimum) * (1.0 - Math.Cos(Math.PI / period)) / 2.0);
        }

        double ratio = (1.0 + Math.Cos(Math.PI * t / period)) / below;
        return link.Minimum + (ratio * (x - link.Minimum));
    }
}
