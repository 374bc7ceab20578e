using System;
using System.Collections.Generic;

namespace BatchLr.Internal;

/// <summary>Finds the known name a mistyped one most likely meant, for "did you mean" hints.</summary>
/// <remarks>
/// The distance is the optimal-string-alignment Damerau–Levenshtein distance (insertions, deletions, substitutions and
/// swaps of two neighbours, each 1) between the names compared without case, so <c>step_sise</c>, <c>setp_size</c> and
/// <c>Step_Size</c> all find <c>step_size</c>. A name is close enough when the distance is at most a third of the longer
/// name's length, and at least 1: one slip in a short name, two in <c>num_warmup_steps</c>. The nearest wins; a tie goes
/// to the name listed first.
/// </remarks>
internal static class NearestName
{
    /// <summary>Returns the known name closest to <paramref name="name"/>, or <see langword="null"/> when none is close enough.</summary>
    /// <param name="name">The name that was not found.</param>
    /// <param name="known">The names that exist, in the order ties are broken.</param>
    public static string? Find(string name, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in known)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                continue;
            }

            int limit = Math.Max(1, Math.Max(name.Length, candidate.Length) / 3);
            int distance = Distance(name, candidate);
            if (distance <= limit && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Returns the optimal-string-alignment distance between two strings, compared without case.</summary>
    public static int Distance(string a, string b)
    {
        // Three rows: the one before the previous (for swaps), the previous and the current.
        var before = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            char x = char.ToLowerInvariant(a[i - 1]);
            for (int j = 1; j <= b.Length; j++)
            {
                char y = char.ToLowerInvariant(b[j - 1]);
                int cost = x == y ? 0 : 1;
                int value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && x == char.ToLowerInvariant(b[j - 2]) && char.ToLowerInvariant(a[i - 2]) == y)
                {
                    value = Math.Min(value, before[j - 2] + 1);
                }

                current[j] = value;
            }

            (before, previous, current) = (previous, current, before);
        }

        return previous[b.Length];
    }
}
