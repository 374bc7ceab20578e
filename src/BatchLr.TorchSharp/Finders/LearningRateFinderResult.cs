using System;
using System.Collections.Generic;

namespace BatchLr.TorchSharp;

/// <summary>Holds the curve a learning-rate range test measured and the learning rates that fastai's and Lightning's rules suggest from it.</summary>
/// <remarks>
/// Point <c>i</c> of the curve is the step run at <c>LearningRates[i]</c>: its loss was computed before that step's optimizer
/// update, from the weights the earlier, smaller rates produced, as fastai and Lightning record it. Every suggestion reads
/// the smoothed losses.
/// </remarks>
public sealed class LearningRateFinderResult
{
    private readonly double[] _learningRates;

    internal LearningRateFinderResult(double[] learningRates, double[] losses, double[] smoothedLosses, int plannedSteps, LearningRateFinderStopReason stopReason, double stopLearningRate)
    {
        _learningRates = learningRates;
        LearningRates = Array.AsReadOnly(learningRates);
        Losses = Array.AsReadOnly(losses);
        SmoothedLosses = Array.AsReadOnly(smoothedLosses);
        StopReason = stopReason;
        StopLearningRate = stopLearningRate;
        Steepest = Suggest(LearningRateSuggestions.Steepest(learningRates, smoothedLosses), 1);
        MinimumOverTen = Suggest(LearningRateSuggestions.Minimum(smoothedLosses, plannedSteps), 10);
        Valley = Suggest(LearningRateSuggestions.Valley(smoothedLosses, plannedSteps), 1);
    }

    /// <summary>Gets the learning rate of each step of the curve, in the order they ran.</summary>
    public IReadOnlyList<double> LearningRates { get; }

    /// <summary>Gets the loss each step's <c>trainingLoss</c> returned, unsmoothed; all finite.</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>Gets the bias-corrected exponential moving average of the losses, the curve the suggestions read.</summary>
    /// <remarks><c>a_i = β · a_(i-1) + (1 - β) · loss_i</c> from <c>a_(-1) = 0</c>, and <c>smoothed_i = a_i / (1 - β^(i+1))</c>, as fastai's <c>AvgSmoothLoss</c> and Lightning's <c>_LRCallback</c>.</remarks>
    public IReadOnlyList<double> SmoothedLosses { get; }

    /// <summary>Gets why the sweep ended.</summary>
    public LearningRateFinderStopReason StopReason { get; }

    /// <summary>Gets the learning rate of the step that ended the sweep early.</summary>
    /// <value>
    /// For <see cref="LearningRateFinderStopReason.Diverged"/> the curve's last learning rate; for
    /// <see cref="LearningRateFinderStopReason.NonFiniteLoss"/> the rate of the step whose loss was NaN or infinite, which
    /// is not in the curve; NaN for <see cref="LearningRateFinderStopReason.Completed"/>.
    /// </value>
    public double StopLearningRate { get; }

    /// <summary>Gets Lightning's suggestion (<c>_LRFinder.suggestion</c>): the point where the smoothed loss falls fastest against the learning rate.</summary>
    /// <value><see langword="null"/> when fewer than two points lie between the skipped ones (a curve of 12 points or fewer).</value>
    /// <remarks>
    /// Lightning skips the first 10 points and the last one. Over the rest it takes the gradient of the smoothed loss with
    /// respect to the learning rate itself, as <c>torch.gradient(losses, spacing=[lrs])</c> does (second-order central
    /// differences on the uneven spacing, one-sided at the ends), and picks the first point of the most negative gradient.
    /// Because the gradient is against the rate, not its logarithm, an exponential sweep favours the early points, where the
    /// rates are closest together. This is computed in double precision, where Lightning computes in single.
    /// </remarks>
    public LearningRateSuggestion? Steepest { get; }

    /// <summary>Gets fastai's <c>minimum</c> suggestion: a tenth of the learning rate at the lowest smoothed loss.</summary>
    /// <value>
    /// The suggestion, whose <see cref="LearningRateSuggestion.Index"/> is the lowest point; <see langword="null"/> when
    /// fastai's window is empty.
    /// </value>
    /// <remarks>
    /// fastai's suggestions read the window <c>[Steps / 10, count - 5)</c> of the curve (<c>lrs[num_it//10:-5]</c>, with
    /// <c>Steps</c> the planned steps, not the steps run), cut at the first non-finite loss. The lowest point is the first
    /// of the lowest loss; a tenth of its rate is, by fastai's reasoning, safely below where the loss stops falling.
    /// </remarks>
    public LearningRateSuggestion? MinimumOverTen { get; }

    /// <summary>Gets fastai's <c>valley</c> suggestion (its default): a point about halfway down the longest valley of the smoothed loss.</summary>
    /// <value><see langword="null"/> when fastai's window (see <see cref="MinimumOverTen"/>) is empty.</value>
    /// <remarks>
    /// In the window, with indices <c>j</c> from its start: <c>L</c> is the length of the longest strictly decreasing
    /// subsequence of the smoothed losses and <c>e</c> the first index where one of that length ends; the pick is
    /// <c>j = e - L + floor(L / 3) + floor(L / 6)</c> (fastai's <c>max_start + int(sections) + int(sections/2)</c>, with
    /// <c>max_start = e - L</c>, <c>sections = L / 3</c>). Where that is -1, which only a valley of one or two points at the
    /// window's start gives, fastai's Python index wraps to the window's last point; this takes the window's first.
    /// </remarks>
    public LearningRateSuggestion? Valley { get; }

    private LearningRateSuggestion? Suggest(int? index, double divisor) =>
        index is int i ? new LearningRateSuggestion(i, _learningRates[i] / divisor) : null;
}
