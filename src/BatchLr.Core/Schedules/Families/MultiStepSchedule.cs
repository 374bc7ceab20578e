using System;

namespace BatchLr.Schedules.Families;

/// <summary><c>v(t) = initial · gamma^k</c>, where <c>k</c> counts the milestones at or before <c>t</c> (a repeated milestone counts each time).</summary>
internal sealed class MultiStepSchedule(double initial, double gamma, double[] milestones) : LearningRateSchedule
{
    internal override double Peak => Math.Max(Math.Abs(initial), Math.Abs(initial * Math.Pow(gamma, milestones.Length)));

    protected internal override double EvaluateCore(double position)
    {
        int passed = Search.CountAtOrBelow(milestones, position);
        // Stryker disable once Conditional : a shortcut only, initial · Math.Pow(gamma, 0) being initial · 1, exactly initial
        return passed == 0 ? initial : initial * Math.Pow(gamma, passed);
    }
}
