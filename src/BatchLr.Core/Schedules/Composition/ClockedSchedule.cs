namespace BatchLr.Schedules.Composition;

/// <summary>Places a schedule on another clock; its values are unchanged.</summary>
internal sealed class ClockedSchedule(LearningRateSchedule inner, ProgressClock clock) : LearningRateSchedule
{
    internal override double Peak => inner.Peak;

    public override ProgressClock Clock => clock;

    protected internal override double EvaluateCore(double position) => inner.EvaluateCore(position);
}
