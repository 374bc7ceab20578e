namespace BatchLr;

/// <summary>Says what a step does when its batch is larger than what remains of the current epoch.</summary>
/// <remarks>
/// The samples form one stream, epoch after epoch, each epoch a pass over the dataset in its own order; a step's batch is
/// the next run of that stream. The choice matters only with a <see cref="TrainingPlannerOptions.DatasetSize"/>.
/// </remarks>
public enum EpochBoundary
{
    /// <summary>The batch runs on into the next epoch: every step takes its whole batch. The default.</summary>
    Continue = 0,

    /// <summary>The epoch's last batch is cut to the samples that remain (down to a multiple of the replicas), as PyTorch's <c>DataLoader</c> with <c>drop_last=False</c>.</summary>
    Keep = 1,

    /// <summary>A remainder smaller than the batch is passed over and the batch starts the next epoch, as PyTorch's <c>drop_last=True</c>; passed-over samples advance the epoch clock, not the samples clock.</summary>
    Drop = 2,
}
