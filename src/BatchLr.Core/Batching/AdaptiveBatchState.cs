using System;
using System.Collections.Generic;

namespace BatchLr.Batching;

/// <summary>Holds everything an adaptive batch-size policy remembers, as plain named numbers that serialize anywhere.</summary>
/// <param name="BatchSize">The batch size the policy currently answers.</param>
/// <param name="Values">The policy's other counters and averages, by name.</param>
/// <remarks>Two states are equal when their batch sizes are and <see cref="Values"/> hold the same names with the same numbers.</remarks>
public sealed record AdaptiveBatchState(int BatchSize, IReadOnlyDictionary<string, double> Values)
{
    /// <inheritdoc />
    public bool Equals(AdaptiveBatchState? other)
    {
        if (other is null || BatchSize != other.BatchSize)
        {
            return false;
        }

        if (ReferenceEquals(Values, other.Values))
        {
            return true;
        }

        if (Values is null || other.Values is null || Values.Count != other.Values.Count)
        {
            return false;
        }

        foreach (KeyValuePair<string, double> pair in Values)
        {
            if (!other.Values.TryGetValue(pair.Key, out double value) || !value.Equals(pair.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    // Stryker disable once all : a hash need only agree for equal states, which share BatchSize and the Values count (null on both sides or neither); -1, +1 or no count for null Values all keep that, and HashCode.Combine is seeded per process, so no value can be expected
    public override int GetHashCode() => HashCode.Combine(BatchSize, Values?.Count ?? -1);
}
