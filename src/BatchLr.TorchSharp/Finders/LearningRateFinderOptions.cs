using BatchLr.Internal;
using System;
using Microsoft.Extensions.Logging;
using System.Globalization;

namespace BatchLr.TorchSharp;

/// <summary>Configures a learning-rate range test run by <see cref="LearningRateFinder.Run"/>.</summary>
/// <remarks>
/// The defaults are fastai's <c>lr_find</c> (<c>start_lr=1e-7, end_lr=10, num_it=100</c>, divergence at 4 times the best
/// smoothed loss, smoothing 0.98); Lightning's <c>lr_find</c> shares all but the range, which it sets one decade lower
/// (<c>min_lr=1e-8, max_lr=1</c>). fastai's range was chosen because it reaches the learning rates at which plain SGD
/// diverges, and the divergence stop ends the sweep there anyway.
/// </remarks>
public sealed class LearningRateFinderOptions
{
    /// <summary>Gets or sets the learning rate of the first step.</summary>
    /// <value>A finite number greater than zero. The default is 1e-7, fastai's <c>start_lr</c> (Lightning's <c>min_lr</c> is 1e-8).</value>
    public double StartLearningRate { get; set; } = 1e-7;

    /// <summary>Gets or sets the learning rate of the last step.</summary>
    /// <value>A finite number greater than <see cref="StartLearningRate"/>. The default is 10, fastai's <c>end_lr</c> (Lightning's <c>max_lr</c> is 1).</value>
    public double EndLearningRate { get; set; } = 10;

    /// <summary>Gets or sets the number of steps, one batch each, from the start to the end learning rate.</summary>
    /// <value>2 or more. The default is 100, fastai's <c>num_it</c> and Lightning's <c>num_training</c>.</value>
    public int Steps { get; set; } = 100;

    /// <summary>Gets or sets how the learning rates are spaced between the start and the end.</summary>
    /// <value>The default is <see cref="LearningRateSweepMode.Exponential"/>, as in fastai (its only mode) and Lightning.</value>
    public LearningRateSweepMode Mode { get; set; } = LearningRateSweepMode.Exponential;

    /// <summary>Gets or sets the decay <c>β</c> of the exponential moving average that smooths the loss.</summary>
    /// <value>From 0 up to, not including, 1; 0 leaves the losses unsmoothed. The default is 0.98, the <c>beta</c> of fastai's <c>AvgSmoothLoss</c> and of Lightning's <c>_LRCallback</c>.</value>
    public double SmoothingBeta { get; set; } = 0.98;

    /// <summary>Gets or sets the multiple of the best smoothed loss above which the sweep stops as diverged.</summary>
    /// <value>
    /// A finite number greater than 1, or <see langword="null"/> to run every step. The default is 4, fastai's fixed factor
    /// (with <c>stop_div=True</c>) and Lightning's <c>early_stop_threshold</c>.
    /// </value>
    /// <remarks>
    /// The sweep stops after the first step whose smoothed loss exceeds this multiple of the lowest smoothed loss so far.
    /// The check runs only while that lowest loss is above zero: for a loss that can be zero or negative, a multiple of
    /// the best is no longer above it, and fastai's rule would stop at once.
    /// </remarks>
    public double? DivergenceThreshold { get; set; } = 4;

    /// <summary>Gets or sets the logger the result is written to, as event 100 (<c>LearningRateFinderResult</c>) at <see cref="LogLevel.Information"/>.</summary>
    /// <value>The default is <see langword="null"/>: nothing is logged.</value>
    public ILogger? Logger { get; set; }

    /// <summary>Checks every rule and returns a copy the run reads, so a change made to these options during the run has no effect.</summary>
    internal LearningRateFinderOptions Validated(string name)
    {
        var check = new OptionsValidation(name);
        bool startValid = StartLearningRate > 0 && double.IsFinite(StartLearningRate);
        check.Require(startValid, nameof(StartLearningRate), StartLearningRate, "a finite number greater than zero");
        check.Require(
            double.IsFinite(EndLearningRate) && (!startValid || EndLearningRate > StartLearningRate),
            nameof(EndLearningRate),
            EndLearningRate,
            startValid ? "a finite number greater than StartLearningRate, " + StartLearningRate.ToString("R", CultureInfo.InvariantCulture) : "a finite number greater than StartLearningRate");
        check.Require(Steps >= 2, nameof(Steps), Steps, "2 or more, since a sweep runs from the start to the end learning rate");
        check.Require(Enum.IsDefined(Mode), nameof(Mode), Mode, "one of " + string.Join(", ", Enum.GetNames<LearningRateSweepMode>()));
        check.Require(SmoothingBeta is >= 0 and < 1, nameof(SmoothingBeta), SmoothingBeta, "from 0 up to, not including, 1");
        check.Require(
            DivergenceThreshold is null || (DivergenceThreshold > 1 && double.IsFinite(DivergenceThreshold.Value)),
            nameof(DivergenceThreshold),
            DivergenceThreshold,
            "a finite number greater than 1, or null to never stop early");
        check.ThrowIfInvalid();
        return new LearningRateFinderOptions
        {
            StartLearningRate = StartLearningRate,
            EndLearningRate = EndLearningRate,
            Steps = Steps,
            Mode = Mode,
            SmoothingBeta = SmoothingBeta,
            DivergenceThreshold = DivergenceThreshold,
            Logger = Logger,
        };
    }

    /// <summary>Returns the learning rate of step <paramref name="step"/> of the sweep.</summary>
    /// <remarks>The last step's rate is <see cref="EndLearningRate"/> exactly, where the formula could miss it by rounding.</remarks>
    internal double LearningRateAt(int step)
    {
        if (step == Steps - 1)
        {
            return EndLearningRate;
        }

        double position = (double)step / (Steps - 1);
        return Mode == LearningRateSweepMode.Exponential
            ? StartLearningRate * Math.Pow(EndLearningRate / StartLearningRate, position)
            : StartLearningRate + ((EndLearningRate - StartLearningRate) * position);
    }
}
