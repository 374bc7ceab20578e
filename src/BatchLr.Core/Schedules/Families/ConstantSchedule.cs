using System;

namespace BatchLr.Schedules.Families;

/// <summary>The same value at every position.</summary>
internal sealed class ConstantSchedule(double value) : LearningRateSchedule
{
    public double Value { get; } = value;

    internal override double Peak => Math.Abs(Value);

    protected internal override double EvaluateCore(double position) => Value;
}
