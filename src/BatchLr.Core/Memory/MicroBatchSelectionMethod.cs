namespace BatchLr.Memory;

/// <summary>Specifies how a <see cref="MicroBatchSelection"/> was chosen.</summary>
public enum MicroBatchSelectionMethod
{
    /// <summary>The largest size the fitted memory line keeps under the limit, confirmed by a trial.</summary>
    Model,

    /// <summary>The largest size a search by trials found to fit.</summary>
    Search,

    /// <summary>The size with the best measured samples per second among those that fit.</summary>
    Fastest,

    /// <summary>A size a previous selection stored under the same cache key; no trial ran.</summary>
    Cache,
}
