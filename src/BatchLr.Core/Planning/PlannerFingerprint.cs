using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr;

/// <summary>
/// Computes a short fingerprint of a planner's configuration from what it produces: every schedule's values at a fixed set of
/// positions, the batch policy's sizes at the same points (its kind and constraints when adaptive), the scaling factors at a few
/// batch sizes, every reactive option and every number of the options. Two configurations that agree on all of these plan
/// alike; a state saved by one is refused by a planner of another.
/// </summary>
internal static class PlannerFingerprint
{
    private static readonly double[] Probes = [0, 1, 2, 3, 5, 8, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 3e4, 1e5, 1e6, 1e7, 1e9];

    public static string Of(TrainingPlannerOptions options)
    {
        var text = new StringBuilder("batchlr-plan-v1");
        OptimizerSchedule schedule = options.Schedule!;
        Add(text, schedule.GroupCount, schedule.HasMomentum);
        for (int g = 0; g < schedule.GroupCount; g++)
        {
            AddSchedule(text, schedule.LearningRates[g], schedule.InitialFactors[g]);
            if (schedule.Momentum is { } momentum)
            {
                AddSchedule(text, momentum[g], 1.0);
            }
        }

        if (schedule.Plateau is { } plateau)
        {
            AddPlateau(text, plateau);
            Add(text, plateau.Factor, plateau.Eps);
            foreach (double minimum in plateau.MinLearningRates)
            {
                Add(text, minimum);
            }
        }

        AddPolicy(text, options.BatchSize!);
        Add(text, options.Scaling.GetType().FullName!, options.Scaling.ScalesProgress);
        foreach (int batch in (int[])[1, 8, 64, 1024])
        {
            Add(text, options.Scaling.GetFactor(batch, new GradientNoise(1.0, 1.0)));
        }

        Add(text, options.DatasetSize ?? -1, options.MaxMicroBatchSize, options.NoiseDecay, (int)options.EpochBoundary, options.MicroBatchRegrowthInterval ?? -1);
        Add(text, options.Duration?.ToString() ?? "-", options.EvaluationInterval?.ToString() ?? "-");
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexString(hash, 0, 8).ToLowerInvariant();
    }

    private static void AddSchedule(StringBuilder text, LearningRateSchedule schedule, double factor)
    {
        Add(text, (int)schedule.Clock);
        foreach (double position in Probes)
        {
            Add(text, Probe(() => schedule.EvaluateCore(position) * factor));
        }
    }

    private static void AddPolicy(StringBuilder text, IBatchSizePolicy policy)
    {
        BatchSizeConstraints c = policy.Constraints;
        Add(text, c.Minimum, c.Maximum, c.Multiple, c.Replicas);
        foreach (int count in c.ElasticReplicaCounts)
        {
            Add(text, count);
        }

        if (policy is PlateauBatchSizePolicy plateau)
        {
            AddPlateau(text, plateau.Options);
            Add(text, plateau.Options.Factor);
            policy = plateau.Base;
        }

        if (policy is IAdaptiveBatchSizePolicy)
        {
            Add(text, policy.GetType().FullName!);
            return;
        }

        foreach (double position in Probes)
        {
            Add(text, Probe(() => policy.GetBatchSize(new TrainingProgress((long)position, (long)position, (long)position, position))));
        }
    }

    /// <summary>A probe's value, or a mark where a user-supplied function refuses the probe position: the fingerprint must never fail a planner.</summary>
    private static object Probe(Func<object> probe)
    {
        try
        {
            return probe();
        }
        catch (Exception e) when (e is ArithmeticException or ArgumentException or InvalidOperationException)
        {
            return "!" + e.GetType().Name;
        }
    }

    private static void AddPlateau(StringBuilder text, PlateauOptions options) =>
        Add(text, (int)options.Mode, options.Patience, options.Threshold, (int)options.ThresholdMode, options.Cooldown, (int)options.Monitor, options.LossWindow);

    private static void Add(StringBuilder text, params object[] values)
    {
        foreach (object value in values)
        {
            text.Append('|').Append(value switch
            {
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            });
        }
    }
}
