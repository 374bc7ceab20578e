using System;
using BatchLr.Internal;

namespace BatchLr.Schedules;

/// <summary>Provides the base class of every closed-form schedule.</summary>
/// <remarks>
/// <para>
/// The public <see cref="Evaluate(double)"/> checks the position once and calls
/// <see cref="EvaluateCore(double)"/>, so implementations never check it again. Wrappers call the
/// core of their children directly.
/// </para>
/// <para>
/// A schedule is used for learning rates, and equally for any other scalar that follows training
/// progress, such as the momentum companion of one-cycle and cyclic schedules. A number converts
/// implicitly to a constant schedule, so any API that takes a schedule also takes a constant.
/// </para>
/// <para>
/// Thread safety: every schedule BatchLr creates is immutable, so one instance may be evaluated from any number of threads at
/// once, each getting the value it would get alone. A derived class must keep that promise (no state that evaluation
/// changes), as must the function given to <see cref="Schedule.FromFunction(Func{double, double})"/>.
/// </para>
/// </remarks>
public abstract class LearningRateSchedule : ILearningRateSchedule
{
    /// <inheritdoc />
    public virtual ProgressClock Clock => ProgressClock.Steps;

    /// <summary>Converts a number to a constant schedule.</summary>
    /// <param name="value">The constant value; finite.</param>
    public static implicit operator LearningRateSchedule(double value) => Schedule.Constant(value);

    /// <summary>Returns the value at a position on <see cref="Clock"/>.</summary>
    /// <param name="position">The position; finite and zero or more.</param>
    /// <returns>The value in effect at <paramref name="position"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is negative, NaN or infinite.</exception>
    public double Evaluate(double position)
    {
        if (!(position >= 0) || double.IsPositiveInfinity(position))
        {
            throw Guard.OutOfRange(nameof(position), position, "a finite number zero or more");
        }

        return EvaluateCore(position);
    }

    /// <summary>Returns the value at a point of training, read on <see cref="Clock"/>.</summary>
    /// <param name="progress">The training progress.</param>
    /// <returns>The value in effect at <paramref name="progress"/>.</returns>
    public double Evaluate(in TrainingProgress progress) => EvaluateCore(progress.On(Clock));

    /// <summary>Converts a number to a constant schedule.</summary>
    /// <param name="value">The constant value; finite.</param>
    /// <returns>A schedule that always returns <paramref name="value"/>.</returns>
    public static LearningRateSchedule FromDouble(double value) => Schedule.Constant(value);

    /// <summary>Gets a bound of the schedule's magnitude, which wrappers check stays finite when they scale or multiply it.</summary>
    /// <value>An upper bound of <c>|v(t)|</c> over every position <c>t</c>; positive infinity when not known, as for a user's function or a schedule derived outside BatchLr.</value>
    internal virtual double Peak => double.PositiveInfinity;

    /// <summary>Computes the value at a position already known to be finite and zero or more.</summary>
    /// <param name="position">The position on <see cref="Clock"/>.</param>
    /// <returns>The value in effect at <paramref name="position"/>.</returns>
    protected internal abstract double EvaluateCore(double position);
}
