namespace BatchLr.Schedules.Composition;

/// <summary>Runs a schedule ahead of the shared clock: <c>v(t) = inner(t + offset)</c>, for joins whose parts start partway.</summary>
internal sealed class ShiftedSchedule(LearningRateSchedule inner, double offset) : LearningRateSchedule
{
    internal override double Peak => inner.Peak;

    public override ProgressClock Clock => inner.Clock;

    protected internal override double EvaluateCore(double position) => inner.EvaluateCore(position + offset);
}
