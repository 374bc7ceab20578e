using System;

namespace BatchLr.Schedules.Families;

/// <summary>
/// PyTorch's OneCycleLR <c>get_lr</c>, evaluated in closed form: at step <c>t</c> the first phase whose end is at or after
/// <c>t</c> (or the last phase) anneals from its start value to its end value with <c>pct = (t - start) / (end - start)</c>,
/// <c>start</c> being the end of the phase before (0 for the first): cosine <c>end + (start - end) / 2 · (cos(π pct) + 1)</c>
/// or linear <c>(end - start) · pct + start</c>.
/// </summary>
/// <remarks>
/// Up to the last step of the cycle, <c>total_steps - 1</c>, this is PyTorch's value whatever the phases (a warmup shorter
/// than a step starts partway down the next phase; three phases with <c>pct_start</c> above one half never reach the third).
/// PyTorch computes one step more, <c>t = total_steps</c>, and raises after it. There a cosine goes on past its phase's end
/// (it turns back up a little) and this schedule follows it; a linear phase would pass its end value (below zero, for the
/// rate), so it holds the value of <c>total_steps - 1</c>, as does a last phase of no length. After <c>total_steps</c> the
/// value of <c>total_steps</c> holds.
/// </remarks>
internal sealed class TorchOneCycleSchedule : LearningRateSchedule
{
    private readonly double[] _ends;
    private readonly double[] _values;
    private readonly bool _cosine;
    private readonly double _last;
    private readonly double _atTotal;

    public TorchOneCycleSchedule(double[] ends, double[] values, bool cosine)
    {
        _ends = ends;
        _values = values;
        _cosine = cosine;
        _last = ends[^1];
        _atTotal = AtStep(_last + 1);
    }

    // Stryker disable once Equality : at position = _last + 1 the two branches are the same call, _atTotal being AtStep(_last + 1)
    protected internal override double EvaluateCore(double position) => position >= _last + 1 ? _atTotal : AtStep(position);

    /// <summary>
    /// The value at a step: PyTorch's, unless past <c>total_steps - 1</c> it extrapolates a linear phase or divides by a phase
    /// of no length. Up to <c>total_steps - 1</c> neither happens: the phase of a step has a length and <c>pct</c> at most 1.
    /// </summary>
    private double AtStep(double step)
    {
        double value = Phase(step, out double pct, out double length);
        return length <= 0 || (!_cosine && pct > 1) ? Phase(_last, out _, out _) : value;
    }

    private double Phase(double step, out double pct, out double length)
    {
        // The first phase whose end is at or after the step, or the last phase, which takes every later step.
        int i = 0;
        double start = 0;
        while (i < _ends.Length - 1 && step > _ends[i])
        {
            start = _ends[i];
            i++;
        }

        length = _ends[i] - start;
        // A phase of no length (PyTorch divides 0 by 0 there and raises) is only ever the last phase past its end, and there
        // AtStep holds the value of total_steps - 1, whatever this gives: up to its end, a step's phase has a length.
        pct = (step - start) / length;
        double from = _values[i];
        double to = _values[i + 1];
        return _cosine ? to + ((from - to) / 2.0 * (Math.Cos(Math.PI * pct) + 1)) : ((to - from) * pct) + from;
    }
}
