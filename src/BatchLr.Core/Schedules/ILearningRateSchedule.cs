namespace BatchLr.Schedules;

/// <summary>Gives the learning rate as a pure function of training progress.</summary>
/// <remarks>
/// An implementation answers any position in any order, allocates nothing, and returns the same
/// value for the same position on every call, every run and every rank of a data-parallel job.
/// Derive from <see cref="LearningRateSchedule"/> rather than implementing this directly: it
/// validates positions once and lets the schedule be composed with the wrappers of <see cref="Schedule"/>.
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>Gets the clock on which this schedule measures progress.</summary>
    /// <value>The clock; <see cref="ProgressClock.Steps"/> unless the schedule was placed on another with <see cref="Schedule.On(LearningRateSchedule, ProgressClock)"/>.</value>
    ProgressClock Clock { get; }

    /// <summary>Returns the value at a position on <see cref="Clock"/>.</summary>
    /// <param name="position">The position; finite and zero or more.</param>
    /// <returns>The value in effect at <paramref name="position"/>.</returns>
    double Evaluate(double position);
}
