namespace BatchLr.Schedules.Composition;

/// <summary>
/// Answers whole positions below a count from a table filled once with the wrapped schedule's own values, and every
/// other position from the schedule itself; the values are bit-identical either way.
/// </summary>
internal sealed class TabulatedSchedule : LearningRateSchedule
{
    private readonly LearningRateSchedule _inner;
    private readonly double[] _table;

    public TabulatedSchedule(LearningRateSchedule inner, int count)
    {
        _inner = inner;
        _table = new double[count];
        for (int i = 0; i < count; i++)
        {
            _table[i] = inner.EvaluateCore(i);
        }
    }

    public override ProgressClock Clock => _inner.Clock;

    internal override double Peak => _inner.Peak;

    protected internal override double EvaluateCore(double position)
    {
        int index = (int)position;
        return (uint)index < (uint)_table.Length && index == position ? _table[index] : _inner.EvaluateCore(position);
    }
}
