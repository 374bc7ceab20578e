using System;

namespace BatchLr.Schedules.Families;

/// <summary>A schedule given by a user function of the position (PyTorch's LambdaLR).</summary>
internal sealed class FunctionSchedule(Func<double, double> function) : LearningRateSchedule
{
    protected internal override double EvaluateCore(double position) => function(position);
}
