using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr;

/// <summary>Holds everything a <see cref="TrainingPlanner"/> remembers; saved with a checkpoint, it resumes to the identical plans.</summary>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="Samples">Samples consumed.</param>
/// <param name="Tokens">Tokens consumed.</param>
/// <param name="SchedulePosition">The schedules' position when the scaling rule advances it (AdaScale); otherwise equal to <paramref name="Step"/>.</param>
/// <param name="Noise">The gradient-noise estimator's state.</param>
/// <param name="Plateau">The reduce-on-plateau state, when the schedule has one.</param>
/// <param name="BatchSize">The adaptive batch-size policy's state, when the policy is adaptive.</param>
public sealed record TrainingPlannerState(
    long Step,
    long Samples,
    long Tokens,
    double SchedulePosition,
    GradientNoiseEstimatorState Noise,
    ReduceOnPlateauState? Plateau,
    AdaptiveBatchState? BatchSize);
