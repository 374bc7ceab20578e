using System;
using System.Diagnostics;

namespace BatchLr.Schedules.Families;

/// <summary>
/// PyTorch's OneCycleLR <c>get_lr</c>, evaluated in closed form: at step <c>t</c> the first phase whose end is at or after
/// <c>t</c> (or the last phase) anneals from its start value to its end value with <c>pct = (t - start) / (end - start)</c>,
/// <c>start</c> being the end of the phase before (0 for the first): cosine <c>end + (start - end) / 2 · (cos(π pct) + 1)</c>
/// or linear <c>(end - start) · pct + start</c>.
/// </summary>
/// <remarks>
/// PyTorch computes one step more than the cycle, <c>t = total_steps</c>, where the last phase's <c>pct</c> passes 1: a cosine
/// turns back up a little there, and this schedule follows it and holds that value after it (PyTorch raises). A linear phase
/// would pass its end value, below zero for the rate, so a linear schedule holds its end value from <c>total_steps - 1</c>.
/// When the warmup is shorter than a step (its end below 0), step 0 is already partway down the next phase, as in PyTorch.
/// </remarks>
internal sealed class TorchOneCycleSchedule(double[] ends, double[] values, bool cosine) : LearningRateSchedule
{
    protected internal override double EvaluateCore(double position)
    {
        double last = ends[^1];
        double step = cosine ? Math.Min(position, last + 1) : Math.Min(position, last);
        double start = 0;
        for (int i = 0; i < ends.Length; i++)
        {
            double end = ends[i];
            if (step <= end || i == ends.Length - 1)
            {
                double pct = (step - start) / (end - start);
                double from = values[i];
                double to = values[i + 1];
                return cosine ? to + ((from - to) / 2.0 * (Math.Cos(Math.PI * pct) + 1)) : ((to - from) * pct) + from;
            }

            start = end;
        }

        throw new UnreachableException("The last phase takes every step.");
    }
}
