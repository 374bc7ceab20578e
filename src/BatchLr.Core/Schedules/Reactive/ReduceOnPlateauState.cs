using System.Collections.Generic;

namespace BatchLr.Schedules;

/// <summary>Holds everything <see cref="ReduceOnPlateau"/> remembers; serialize it with a checkpoint to resume exactly.</summary>
/// <param name="LearningRates">The learning rate of each parameter group.</param>
/// <param name="Best">The best metric reported so far, or <see langword="null"/> before the first report.</param>
/// <param name="BadReports">The reports since the last improvement (PyTorch's <c>num_bad_epochs</c>).</param>
/// <param name="CooldownLeft">The reports left in the current cooldown (PyTorch's <c>cooldown_counter</c>).</param>
/// <param name="Reports">The number of metrics reported so far (PyTorch's <c>last_epoch</c>).</param>
public sealed record ReduceOnPlateauState(
    IReadOnlyList<double> LearningRates,
    double? Best,
    int BadReports,
    int CooldownLeft,
    long Reports);
