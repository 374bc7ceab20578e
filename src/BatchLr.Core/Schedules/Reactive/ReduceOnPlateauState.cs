using System;
using System.Collections.Generic;
using System.Linq;

namespace BatchLr.Schedules;

/// <summary>Holds everything <see cref="ReduceOnPlateau"/> remembers; serialize it with a checkpoint to resume exactly.</summary>
/// <param name="LearningRates">The value of each parameter group: its learning rate on its own, its factor on top of a schedule.</param>
/// <param name="Best">The best metric reported so far, or <see langword="null"/> while no report has been better than PyTorch's starting best (<c>mode_worse</c>: +∞ in min mode, -∞ in max mode): before the first report, and for good in min mode with a relative threshold of 1 or more, where no report is ever better.</param>
/// <param name="BadReports">The reports since the last improvement (PyTorch's <c>num_bad_epochs</c>).</param>
/// <param name="CooldownLeft">The reports left in the current cooldown (PyTorch's <c>cooldown_counter</c>).</param>
/// <param name="Reports">The number of metrics reported so far (PyTorch's <c>last_epoch</c>).</param>
/// <param name="LossSum">The sum of the training losses in the window being filled, when the training loss is watched.</param>
/// <param name="LossCount">The number of training losses in the window being filled.</param>
/// <remarks>Two states are equal when every field is, the learning rates compared element by element.</remarks>
public sealed record ReduceOnPlateauState(
    IReadOnlyList<double> LearningRates,
    double? Best,
    int BadReports,
    int CooldownLeft,
    long Reports,
    double LossSum = 0,
    int LossCount = 0)
{
    /// <inheritdoc />
    public bool Equals(ReduceOnPlateauState? other) =>
        other is not null
        && Best.Equals(other.Best)
        && BadReports == other.BadReports
        && CooldownLeft == other.CooldownLeft
        && Reports == other.Reports
        && LossSum.Equals(other.LossSum)
        && LossCount == other.LossCount
        && (ReferenceEquals(LearningRates, other.LearningRates)
            || (LearningRates is not null && other.LearningRates is not null && LearningRates.SequenceEqual(other.LearningRates)));

    /// <inheritdoc />
    // Stryker disable once NullCoalescing,Unary : a hash code only has to agree for equal states, which have equal rate counts or both a null list; -1, +1 or dropping the count for a null list keeps that
    public override int GetHashCode() => HashCode.Combine(Best, BadReports, CooldownLeft, Reports, LossCount, LearningRates?.Count ?? -1);
}
