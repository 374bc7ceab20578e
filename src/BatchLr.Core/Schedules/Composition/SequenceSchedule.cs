using System;

namespace BatchLr.Schedules.Composition;

/// <summary>
/// Joins schedules at milestones: child <c>i</c> is in effect on <c>[milestones[i-1], milestones[i])</c>
/// (so a milestone belongs to the schedule that starts there, as in PyTorch's SequentialLR), on its
/// own clock that starts at zero at its milestone, or on the shared clock.
/// </summary>
internal sealed class SequenceSchedule(LearningRateSchedule[] children, double[] milestones, bool restartClocks) : LearningRateSchedule
{
    public override ProgressClock Clock => children[0].Clock;

    internal override double Peak
    {
        get
        {
            double peak = 0;
            foreach (LearningRateSchedule child in children)
            {
                peak = Math.Max(peak, child.Peak);
            }

            return peak;
        }
    }

    protected internal override double EvaluateCore(double position)
    {
        int i = Families.Search.CountAtOrBelow(milestones, position);
        double local = restartClocks && i > 0 ? position - milestones[i - 1] : position;
        return children[i].EvaluateCore(local);
    }
}
