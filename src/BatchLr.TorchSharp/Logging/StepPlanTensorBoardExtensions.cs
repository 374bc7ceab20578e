using System;
using System.Globalization;
using TorchSharp.Modules;

namespace BatchLr.TorchSharp;

/// <summary>Writes the values of a plan as TensorBoard scalars through TorchSharp's <see cref="SummaryWriter"/>.</summary>
public static class StepPlanTensorBoardExtensions
{
    /// <summary>The tag of the global batch size.</summary>
    private const string BatchSizeTag = "batchlr/batch_size";

    /// <summary>The tag of the micro-batch size.</summary>
    private const string MicroBatchSizeTag = "batchlr/micro_batch_size";

    /// <summary>The tag of the accumulation steps.</summary>
    private const string AccumulationStepsTag = "batchlr/accumulation_steps";

    /// <summary>The tag of the simple noise scale.</summary>
    private const string NoiseScaleTag = "batchlr/noise_scale";

    /// <summary>Writes a plan's learning rates, momentum, batch split and noise scale as TensorBoard scalars.</summary>
    /// <param name="plan">The plan, from <see cref="TrainingPlanner.Plan"/>.</param>
    /// <param name="writer">The writer, from <c>torch.utils.tensorboard.SummaryWriter(logDir)</c>.</param>
    /// <param name="step">The global step the scalars are recorded at; from 0 to <see cref="int.MaxValue"/>, the steps TensorBoard's writer takes. <see langword="null"/> (the default) records them at the plan's own step, <c>plan.Progress.Step</c>.</param>
    /// <remarks>
    /// <para>The tags, each written as a 32-bit float:</para>
    /// <list type="bullet">
    /// <item><description><c>batchlr/learning_rate/{g}</c>: the learning rate of each parameter group <c>g</c>, from 0.</description></item>
    /// <item><description><c>batchlr/momentum/{g}</c>: the momentum (or beta1) of each group, where the plan drives momentum.</description></item>
    /// <item><description><c>batchlr/batch_size</c>, <c>batchlr/micro_batch_size</c>, <c>batchlr/accumulation_steps</c>: the global batch and its split.</description></item>
    /// <item><description><c>batchlr/noise_scale</c>: the simple noise scale of <see cref="StepPlan.Noise"/>, where it is known and finite.</description></item>
    /// </list>
    /// <para>The writer stamps each value with the wall time, as it does for any scalar.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="plan"/> is empty (<see langword="default"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/>, or the plan's step where it is <see langword="null"/>, is not from 0 to <see cref="int.MaxValue"/>; nothing is written.</exception>
    public static void WriteTo(this in StepPlan plan, SummaryWriter writer, long? step = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (plan.GroupCount == 0)
        {
            throw new ArgumentException("'plan' is empty (default(StepPlan)); it must be a plan returned by TrainingPlanner.Plan().", nameof(plan));
        }

        long at = step ?? plan.Progress.Step;
        if (at is < 0 or > int.MaxValue)
        {
            string rule = step is null
                ? "; the plan's step is past the steps TensorBoard's writer takes, so pass an explicit step"
                : string.Empty;
            throw new ArgumentOutOfRangeException(nameof(step), at, string.Create(CultureInfo.InvariantCulture, $"'step' is {at}; it must be from 0 to int.MaxValue{rule}."));
        }

        int globalStep = (int)at;
        for (int g = 0; g < plan.GroupCount; g++)
        {
            writer.add_scalar(Tag("batchlr/learning_rate/", g), (float)plan.GetLearningRate(g), globalStep);
            if (plan.HasMomentum)
            {
                writer.add_scalar(Tag("batchlr/momentum/", g), (float)plan.GetMomentum(g), globalStep);
            }
        }

        BatchPlan batch = plan.Batch;
        writer.add_scalar(BatchSizeTag, batch.GlobalBatchSize, globalStep);
        writer.add_scalar(MicroBatchSizeTag, batch.MicroBatchSize, globalStep);
        writer.add_scalar(AccumulationStepsTag, batch.AccumulationSteps, globalStep);
        double noiseScale = plan.Noise.NoiseScale;
        if (double.IsFinite(noiseScale))
        {
            writer.add_scalar(NoiseScaleTag, (float)noiseScale, globalStep);
        }
    }

    private static string Tag(string prefix, int group) => prefix + group.ToString(CultureInfo.InvariantCulture);
}
