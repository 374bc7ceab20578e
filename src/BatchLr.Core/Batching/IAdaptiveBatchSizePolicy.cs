namespace BatchLr.Batching;

/// <summary>Decides the global batch size from what training has shown so far.</summary>
/// <remarks>
/// <para>
/// Its answer depends only on <see cref="State"/>, which changes only in <see cref="Observe"/> and <see cref="Report"/>; restoring a saved
/// state with <see cref="Restore"/> therefore continues the identical sequence.
/// </para>
/// <para>
/// Thread safety: an adaptive policy is not thread-safe and belongs to one training loop: give each
/// <see cref="TrainingPlanner"/> its own instance (<see cref="ScheduleSpec.BuildPlannerOptions(long?)"/> builds a fresh one on every
/// call), and call it from one thread at a time. Its <see cref="State"/> is an immutable snapshot that may be read anywhere.
/// </para>
/// </remarks>
public interface IAdaptiveBatchSizePolicy : IBatchSizePolicy
{
    /// <summary>Gets a snapshot of the state, to save with a checkpoint.</summary>
    AdaptiveBatchState State { get; }

    /// <summary>Learns from a finished step.</summary>
    /// <param name="feedback">What the step showed.</param>
    void Observe(in BatchFeedback feedback);

    /// <summary>Learns from a metric measured between steps, such as a validation loss.</summary>
    /// <param name="metric">The metric; finite (the planner refuses NaN and infinities before they reach a policy).</param>
    void Report(double metric);

    /// <summary>Replaces the state with a saved one.</summary>
    /// <param name="state">A state produced by <see cref="State"/> of a policy with the same options.</param>
    void Restore(AdaptiveBatchState state);
}
