using System.Collections.Generic;

namespace BatchLr.Batching;

/// <summary>Holds everything an adaptive batch-size policy remembers, as plain named numbers that serialize anywhere.</summary>
/// <param name="BatchSize">The batch size the policy currently answers.</param>
/// <param name="Values">The policy's other counters and averages, by name.</param>
public sealed record AdaptiveBatchState(int BatchSize, IReadOnlyDictionary<string, double> Values);
