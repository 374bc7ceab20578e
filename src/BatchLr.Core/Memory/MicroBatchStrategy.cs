namespace BatchLr.Memory;

/// <summary>Specifies how <see cref="MicroBatchSelector"/> looks for the largest micro-batch that fits.</summary>
public enum MicroBatchStrategy
{
    /// <summary>Fits peak memory as a line in the micro-batch from a few trials and takes the largest size the line keeps under the limit; searches instead when the line fits the trials poorly or the device cannot report peaks.</summary>
    Model,

    /// <summary>Searches by trials alone, as Lightning's <c>scale_batch_size</c> does: power-of-two growth, then binary search, an out-of-memory counting as too large.</summary>
    Search,
}
