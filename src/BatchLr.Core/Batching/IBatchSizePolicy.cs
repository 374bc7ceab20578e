namespace BatchLr.Batching;

/// <summary>Decides the global batch size as training progresses.</summary>
/// <remarks>
/// <para>
/// Closed-form policies are pure functions of progress, like schedules: any point can be asked in any
/// order, and the answer is always an allowed size of <see cref="Constraints"/>.
/// </para>
/// <para>
/// Thread safety: the closed-form policies of <see cref="BatchSizePolicy"/> are immutable; one instance may be asked from any
/// number of threads and shared by any number of planners. An <see cref="IAdaptiveBatchSizePolicy"/> is not: see there.
/// </para>
/// </remarks>
public interface IBatchSizePolicy
{
    /// <summary>Gets the rules every size this policy returns obeys.</summary>
    BatchSizeConstraints Constraints { get; }

    /// <summary>Returns the global batch size for the step that starts at a point of training.</summary>
    /// <param name="progress">The training progress before the step.</param>
    /// <returns>The global batch size; allowed by <see cref="Constraints"/>.</returns>
    int GetBatchSize(in TrainingProgress progress);
}
