using System.Collections.Generic;

namespace BatchLr.Memory;

/// <summary>The JSON form of a <see cref="MicroBatchCache"/>: a format version and the entries by key, in ordinal key order.</summary>
internal sealed class MicroBatchCacheDocument
{
    public int Version { get; set; }

    public Dictionary<string, MicroBatchCacheEntry>? Entries { get; set; }
}
