using BatchLr.Internal;
using BatchLr.Batching;
using BatchLr.Feedback;
using Microsoft.Extensions.Logging;

namespace BatchLr.TorchSharp;

/// <summary>Configures a measurement of the gradient noise scale by <see cref="GradientNoiseFinder.Measure"/>.</summary>
public sealed class GradientNoiseFinderOptions
{
    /// <summary>Gets or sets the samples in each micro-batch, over which the loss is a mean.</summary>
    /// <value>Required: 1 or more.</value>
    public int MicroBatchSize { get; set; }

    /// <summary>Gets or sets the micro-batches accumulated per step; the large batch is <c>MicroBatches · MicroBatchSize</c> samples.</summary>
    /// <value>Required: 2 or more, since the estimate compares one micro-batch with their mean; the large batch must fit in an <see cref="int"/>.</value>
    /// <remarks>More micro-batches make the two batch sizes further apart, and each step's estimate less noisy.</remarks>
    public int MicroBatches { get; set; }

    /// <summary>Gets or sets the steps measured, each on fresh micro-batches.</summary>
    /// <value>Required: 1 or more.</value>
    public int Steps { get; set; }

    /// <summary>Gets or sets the decay of the estimator's moving averages, per step.</summary>
    /// <value>
    /// From 0 up to, not including, 1. The default is <see cref="GradientNoiseEstimator.DefaultDecay"/>, 0.999, the
    /// training-time default, under which a measurement of a few steps weighs them almost equally.
    /// </value>
    public double Decay { get; set; } = GradientNoiseEstimator.DefaultDecay;

    /// <summary>Gets or sets the rules the suggested batch size obeys.</summary>
    /// <value>The default is <see cref="BatchSizeConstraints.None"/>: any size from 1 up.</value>
    public BatchSizeConstraints Constraints { get; set; } = BatchSizeConstraints.None;

    /// <summary>Gets or sets the logger the measurement is written to, as event 101 (<c>GradientNoiseMeasured</c>) at <see cref="LogLevel.Information"/>.</summary>
    /// <value>The default is <see langword="null"/>: nothing is logged.</value>
    public ILogger? Logger { get; set; }

    /// <summary>Checks every rule and returns a copy the measurement reads.</summary>
    internal GradientNoiseFinderOptions Validated(string name)
    {
        var check = new OptionsValidation(name);
        check.Require(MicroBatchSize >= 1, nameof(MicroBatchSize), MicroBatchSize, "1 or more");
        check.Require(MicroBatches >= 2, nameof(MicroBatches), MicroBatches, "2 or more, since the noise scale compares one micro-batch's gradient with the mean of several");
        check.Require(
            MicroBatchSize < 1 || MicroBatches < 2 || (long)MicroBatchSize * MicroBatches <= int.MaxValue,
            nameof(MicroBatches),
            MicroBatches,
            "small enough that MicroBatches · MicroBatchSize fits in an int");
        check.Require(Steps >= 1, nameof(Steps), Steps, "1 or more");
        check.Require(Decay is >= 0 and < 1, nameof(Decay), Decay, "from 0 up to, not including, 1");
        check.Require(Constraints is not null, nameof(Constraints), null, "set");
        check.ThrowIfInvalid();
        return new GradientNoiseFinderOptions
        {
            MicroBatchSize = MicroBatchSize,
            MicroBatches = MicroBatches,
            Steps = Steps,
            Decay = Decay,
            Constraints = Constraints!,
            Logger = Logger,
        };
    }
}
