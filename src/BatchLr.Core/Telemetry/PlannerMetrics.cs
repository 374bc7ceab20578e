using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace BatchLr.Telemetry;

/// <summary>
/// The instruments of the <c>BatchLr</c> meter (<see cref="System.Diagnostics.Metrics"/>), recorded by every
/// <see cref="TrainingPlanner"/> as it completes steps, so OpenTelemetry (or any <see cref="MeterListener"/>) sees them with no
/// extra code. Every measurement carries the tag <c>batchlr.plan</c>, the planner's <see cref="TrainingPlannerOptions.Name"/>.
/// Nothing is computed or allocated while no listener is enabled.
/// </summary>
internal static class PlannerMetrics
{
    public const string MeterName = "BatchLr";

    public const string PlanTag = "batchlr.plan";

    private static readonly Meter Meter = new(MeterName, typeof(PlannerMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    public static Counter<long> Steps { get; } = Meter.CreateCounter<long>("batchlr.steps", "{step}", "Optimizer steps completed.");

    public static Counter<long> Samples { get; } = Meter.CreateCounter<long>("batchlr.samples", "{sample}", "Samples the completed steps consumed.");

    public static Histogram<double> LearningRate { get; } = Meter.CreateHistogram<double>("batchlr.learning_rate", null, "The learning rate each completed step ran with, per parameter group (tag batchlr.group).");

    public static Histogram<int> BatchSize { get; } = Meter.CreateHistogram<int>("batchlr.batch_size", "{sample}", "The global batch of each completed step.");

    public static Histogram<int> MicroBatchSize { get; } = Meter.CreateHistogram<int>("batchlr.micro_batch_size", "{sample}", "The micro-batch of each completed step, per replica.");

    public static Histogram<int> AccumulationSteps { get; } = Meter.CreateHistogram<int>("batchlr.accumulation_steps", "{micro-batch}", "The micro-batches each completed step accumulated, per replica.");

    public static Counter<long> BatchSizeChanges { get; } = Meter.CreateCounter<long>("batchlr.batch_size.changes", "{change}", "Steps whose global batch differs from the step before.");

    /// <summary>The instruments <see cref="Completed"/> records: while none is enabled it does nothing.</summary>
    private static readonly Instrument[] StepInstruments = [Steps, Samples, LearningRate, BatchSize, MicroBatchSize, AccumulationSteps, BatchSizeChanges];

    public static Counter<long> PlateauReductions { get; } = Meter.CreateCounter<long>("batchlr.plateau.reductions", "{reduction}", "Reports that lowered a reduce-on-plateau learning-rate factor.");

    public static Counter<long> PlateauBatchChanges { get; } = Meter.CreateCounter<long>("batchlr.plateau.batch_changes", "{change}", "Reports or losses that changed a batch-size plateau factor.");

    public static Counter<long> SkippedSteps { get; } = Meter.CreateCounter<long>("batchlr.steps.skipped", "{step}", "Planned steps whose update was skipped because their loss or gradient was not finite; their samples are passed over.");

    public static Counter<long> OutOfMemoryRecoveries { get; } = Meter.CreateCounter<long>("batchlr.out_of_memory.recoveries", "{recovery}", "Steps replanned with a smaller micro-batch after running out of memory.");

    /// <summary>Records a completed step: counters, the batch split and each group's learning rate.</summary>
    public static void Completed(string? plan, in StepPlan executed, long samples, int previousBatch)
    {
        // Stryker disable once Statement,Block : only saves work; without it the instruments below, none enabled, record nothing, and the rates are read only when LearningRate is enabled
        if (!AnyEnabled(StepInstruments))
        {
            return; // nobody listens: no tags, no reads of the plan
        }

        // Each instrument records only while a listener has enabled it, so a listener of any one of them sees its values.
        var tags = new TagList { { PlanTag, plan } };
        Steps.Add(1, tags);
        Samples.Add(samples, tags);
        BatchPlan batch = executed.Batch;
        BatchSize.Record(batch.GlobalBatchSize, tags);
        MicroBatchSize.Record(batch.MicroBatchSize, tags);
        AccumulationSteps.Record(batch.AccumulationSteps, tags);

        if (previousBatch != 0 && previousBatch != batch.GlobalBatchSize)
        {
            BatchSizeChanges.Add(1, tags);
        }

        if (LearningRate.Enabled)
        {
            for (int g = 0; g < executed.GroupCount; g++)
            {
                LearningRate.Record(executed.GetLearningRate(g), new KeyValuePair<string, object?>(PlanTag, plan), new KeyValuePair<string, object?>("batchlr.group", g));
            }
        }
    }

    private static bool AnyEnabled(Instrument[] instruments)
    {
        foreach (Instrument instrument in instruments)
        {
            if (instrument.Enabled)
            {
                return true;
            }
        }

        return false;
    }

    public static void Count(Counter<long> counter, string? plan)
    {
        if (counter.Enabled)
        {
            counter.Add(1, new KeyValuePair<string, object?>(PlanTag, plan));
        }
    }
}
