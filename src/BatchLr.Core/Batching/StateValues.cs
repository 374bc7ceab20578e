using System;
using System.Collections.Generic;
using System.Globalization;

namespace BatchLr.Batching;

/// <summary>Reads named numbers from a saved adaptive state, with errors that name the missing or bad entry.</summary>
internal static class StateValues
{
    public static double Read(AdaptiveBatchState state, string name)
    {
        if (state.Values is null || !state.Values.TryGetValue(name, out double value))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'state.Values' lacks the entry '{name}'; restore a state saved by a policy of the same kind."), nameof(state));
        }

        return value;
    }

    public static int ReadCount(AdaptiveBatchState state, string name)
    {
        double value = Read(state, name);
        if (!(value >= 0 && value <= int.MaxValue) || value != Math.Floor(value))
        {
            throw new ArgumentOutOfRangeException(nameof(state), value, string.Create(CultureInfo.InvariantCulture, $"'state.Values[{name}]' is {value}; it must be a whole number zero or more."));
        }

        return (int)value;
    }

    public static void CheckBatch(AdaptiveBatchState state, BatchSizeConstraints constraints)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!constraints.Allows(state.BatchSize))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state.BatchSize, string.Create(CultureInfo.InvariantCulture, $"'state.BatchSize' is {state.BatchSize}; it must be a multiple of {constraints.Granularity} between {constraints.LowestAllowed} and {constraints.HighestAllowed}."));
        }
    }

    public static Dictionary<string, double> New() => new(StringComparer.Ordinal);
}
