using System;
using System.Globalization;
using BatchLr.Schedules;

namespace BatchLr.Benchmarks;

/// <summary>Checks, before a benchmark runs, that the BatchLr schedule and the inline formula it is compared with agree at every step.</summary>
internal static class Equivalence
{
    public static void Check(string family, LearningRateSchedule schedule, Func<int, double> inline)
    {
        for (int t = 0; t < StepCounter.Horizon; t++)
        {
            double expected = inline(t);
            double actual = schedule.Evaluate(t);
            if (Math.Abs(actual - expected) > 1e-12 * Math.Max(1.0, Math.Abs(expected)))
            {
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{family}: BatchLr gives {actual:R} at step {t}, the inline formula {expected:R}."));
            }
        }
    }
}
