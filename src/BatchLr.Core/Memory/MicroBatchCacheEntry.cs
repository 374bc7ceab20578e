namespace BatchLr.Memory;

/// <summary>Holds what <see cref="MicroBatchCache"/> remembers of one selection.</summary>
/// <param name="MicroBatchSize">The chosen micro-batch; 1 or more.</param>
/// <param name="LargestMicroBatchSize">The largest micro-batch found to fit; no less than <paramref name="MicroBatchSize"/>.</param>
/// <param name="Method">How the micro-batch was chosen; any but <see cref="MicroBatchSelectionMethod.Cache"/>.</param>
/// <param name="Fit">The memory line of the selection, or <see langword="null"/> when it had none.</param>
public sealed record MicroBatchCacheEntry(int MicroBatchSize, int LargestMicroBatchSize, MicroBatchSelectionMethod Method, MemoryFit? Fit);
