using System;
using System.Collections.Generic;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Batching;

/// <summary>Holds the rules every global batch size must obey: bounds, a rounding multiple, and divisibility by the data-parallel replicas.</summary>
/// <remarks>
/// The allowed sizes are the multiples of the granularity <c>g = lcm(Multiple, Replicas, every elastic replica count)</c>
/// between <see cref="Minimum"/> and <see cref="Maximum"/>. <see cref="Apply(double)"/> maps a wanted size to the
/// nearest allowed one (ties go to the smaller, the one more likely to fit in memory). With elastic replica counts,
/// every allowed size splits evenly across each count, so a job can be resized without changing its batch, as
/// DeepSpeed's elasticity does. Instances are immutable and may be shared across threads.
/// </remarks>
public sealed class BatchSizeConstraints
{
    /// <summary>Initializes a new instance of the <see cref="BatchSizeConstraints"/> class.</summary>
    /// <param name="minimum">The smallest global batch; 1 or more.</param>
    /// <param name="maximum">The largest global batch; no less than <paramref name="minimum"/>.</param>
    /// <param name="multiple">Every batch is a multiple of this (8 is common on GPUs); 1 or more.</param>
    /// <param name="replicas">The number of data-parallel replicas the batch is split across; 1 or more.</param>
    /// <param name="elasticReplicaCounts">Other replica counts the job may be resized to; each 1 or more. <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">An argument breaks its rule, or no allowed size lies between the bounds.</exception>
    public BatchSizeConstraints(int minimum = 1, int maximum = int.MaxValue, int multiple = 1, int replicas = 1, IReadOnlyList<int>? elasticReplicaCounts = null)
    {
        Guard.Positive(minimum);
        if (maximum < minimum)
        {
            throw Guard.OutOfRange(nameof(maximum), maximum, "no less than minimum, " + minimum.ToString(CultureInfo.InvariantCulture));
        }

        Guard.Positive(multiple);
        Guard.Positive(replicas);
        int[] elastic = [];
        if (elasticReplicaCounts is not null)
        {
            elastic = new int[elasticReplicaCounts.Count];
            for (int i = 0; i < elastic.Length; i++)
            {
                int count = elasticReplicaCounts[i];
                if (count < 1)
                {
                    throw Guard.OutOfRange(string.Create(CultureInfo.InvariantCulture, $"elasticReplicaCounts[{i}]"), count, "1 or more");
                }

                elastic[i] = count;
            }
        }

        // Every value is at most 2^31, and the running lcm is capped just above the maximum, so no product overflows.
        long cap = (long)maximum + 1;
        long granularity = Math.Min(Lcm(multiple, replicas), cap);
        foreach (int count in elastic)
        {
            granularity = Math.Min(Lcm(granularity, count), cap);
        }

        // A granularity above the maximum is the cap, maximum + 1, whose lowest multiple at or above minimum is itself: above the maximum.
        long lowest = (minimum + granularity - 1) / granularity * granularity;
        if (lowest > maximum)
        {
            string step = granularity == cap
                ? "a multiple of the least common multiple of multiple " + multiple.ToString(CultureInfo.InvariantCulture) + ", replicas " + replicas.ToString(CultureInfo.InvariantCulture) + " and the elastic replica counts, which exceeds the maximum"
                : "a multiple of " + granularity.ToString(CultureInfo.InvariantCulture) + ", the least common multiple of multiple " + multiple.ToString(CultureInfo.InvariantCulture) + ", replicas " + replicas.ToString(CultureInfo.InvariantCulture) + " and the elastic replica counts";
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"No batch size between minimum {minimum} and maximum {maximum} is {step}."),
                nameof(maximum));
        }

        Minimum = minimum;
        Maximum = maximum;
        Multiple = multiple;
        Replicas = replicas;
        ElasticReplicaCounts = elastic;
        Granularity = (int)granularity;
        LowestAllowed = (int)lowest;
        HighestAllowed = (int)(maximum / granularity * granularity);
    }

    /// <summary>Gets the constraints that allow every size from 1 up on one replica.</summary>
    public static BatchSizeConstraints None { get; } = new();

    /// <summary>Gets the smallest global batch.</summary>
    public int Minimum { get; }

    /// <summary>Gets the largest global batch.</summary>
    public int Maximum { get; }

    /// <summary>Gets the rounding multiple.</summary>
    public int Multiple { get; }

    /// <summary>Gets the number of data-parallel replicas.</summary>
    public int Replicas { get; }

    /// <summary>Gets the other replica counts every allowed size must split evenly across.</summary>
    public IReadOnlyList<int> ElasticReplicaCounts { get; }

    /// <summary>Gets the step between allowed sizes, the least common multiple of the multiple and every replica count.</summary>
    public int Granularity { get; }

    /// <summary>Gets the smallest allowed size.</summary>
    public int LowestAllowed { get; }

    /// <summary>Gets the largest allowed size.</summary>
    public int HighestAllowed { get; }

    /// <summary>Returns the allowed size nearest to a wanted size.</summary>
    /// <param name="wanted">The wanted global batch; finite.</param>
    /// <returns>The nearest multiple of <see cref="Granularity"/> inside the bounds; on a tie, the smaller.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wanted"/> is NaN or infinite.</exception>
    public int Apply(double wanted)
    {
        Guard.Finite(wanted);
        return ApplyCore(wanted);
    }

    /// <summary>Returns whether a size obeys every rule.</summary>
    /// <param name="batchSize">The global batch.</param>
    /// <returns><see langword="true"/> when it lies inside the bounds and is a multiple of <see cref="Granularity"/>.</returns>
    public bool Allows(int batchSize) => batchSize >= LowestAllowed && batchSize <= HighestAllowed && batchSize % Granularity == 0;

    /// <summary>The same rules with the maximum lowered to <paramref name="maximum"/> (kept if already lower).</summary>
    internal BatchSizeConstraints WithMaximum(int maximum) =>
        new(Minimum, Math.Min(maximum, Maximum), Multiple, Replicas, ElasticReplicaCounts);

    /// <summary>
    /// The allowed size a policy moves to from <paramref name="current"/> when it wants <paramref name="wanted"/>: the nearest
    /// allowed size, or, when that is <paramref name="current"/> itself although <paramref name="goal"/> lies elsewhere, one
    /// granularity step toward the goal, so a coarse granularity cannot freeze a policy in place.
    /// </summary>
    internal int Move(int current, double wanted, double goal)
    {
        int next = ApplyCore(wanted);
        if (next != current || ApplyCore(goal) == current)
        {
            return next;
        }

        // Stryker disable once Equality : goal == current cannot get here, since current is allowed and so ApplyCore(goal) == current returned above
        return goal > current
            ? (int)Math.Min((long)current + Granularity, HighestAllowed)
            : Math.Max(current - Granularity, LowestAllowed);
    }

    internal int ApplyCore(double wanted)
    {
        double units = wanted / Granularity;
        double below = Math.Floor(units);
        double chosen = units - below > 0.5 ? below + 1 : below;
        return (int)Math.Clamp(chosen * Granularity, LowestAllowed, HighestAllowed);
    }

    private static long Lcm(long a, long b) => a / Gcd(a, b) * b;

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
