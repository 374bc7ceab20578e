using System;
using System.Globalization;
using BatchLr.Internal;

namespace BatchLr.Memory;

/// <summary>
/// Selection by model: peak memory is fitted as <c>fixed + perSample · b</c> to the trials, and the largest allowed size
/// whose predicted peak stays under the limit is tried; each trial adds a point near the answer, until the prediction is a
/// size already tried.
/// </summary>
/// <remarks>
/// Two probes start it: the initial size and <see cref="MicroBatchDefaults.ProbeFactor"/> times it. The prediction from
/// their line is confirmed by a trial, which also gives the third point that can show the memory is not linear; the line
/// is refitted to all points and predicts again, at most <see cref="MicroBatchDefaults.ModelRounds"/> times. The model has
/// its answer when the line predicts a size a trial already showed to fit; the answer is then the largest size that fit,
/// never a size no trial ran. A line that misses a trial by more than <see cref="MicroBatchSelectionOptions.MaxFitError"/>
/// (in-sample or predicted, see <see cref="MemoryFit"/>), a prediction that does not fit, or one that does not settle hands
/// over to search, which starts from the bracket the model's trials found.
/// </remarks>
internal static class ModelSelection
{
    /// <summary>Runs the model; returns <see langword="null"/> when it found the answer, or why the search must take over.</summary>
    public static string? Run(SelectionTrials trials)
    {
        if (trials.Memory is null)
        {
            return "no memory reading: MicroBatchSelectionOptions.Memory is not set or not available, so there is no limit to fit against";
        }

        if (trials.FreeBytes <= 0)
        {
            return "the device had no free memory when the selection began";
        }

        int first = trials.Start;
        int second = trials.Clamp((double)first * MicroBatchDefaults.ProbeFactor);
        if (second == first)
        {
            // Sixteen times the start clamps back to it only when the start is the largest allowed size: the second probe
            // is the size below it, unless the start is also the smallest.
            if (first == trials.Lowest)
            {
                return "only one micro-batch is allowed, so there is no line to fit";
            }

            second = first - trials.Granularity;
        }

        foreach (int probe in (ReadOnlySpan<int>)[first, second])
        {
            if (TryRun(trials, probe) is { } reason)
            {
                return reason;
            }
        }

        // Each round fits every trial so far; a prediction already tried ends the model, one not tried yet is run.
        for (int round = 0; ; round++)
        {
            MemoryFit fit = trials.Fit()!;
            double error = Math.Max(fit.Residual, fit.PredictionError ?? 0);
            if (error > trials.MaxFitError)
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"the line fits the trials poorly: it missed a trial by {Guard.Format(error)} of the free memory (residual {Guard.Format(fit.Residual)}, prediction error {Guard.Format(fit.PredictionError ?? 0)}), more than MaxFitError, {Guard.Format(trials.MaxFitError)}");
            }

            int predicted = Predict(trials, fit);
            if (trials.TryGet(predicted, out MicroBatchTrialRecord tried))
            {
                return tried.Fits
                    ? null
                    : string.Create(CultureInfo.InvariantCulture, $"the line keeps predicting micro-batch {predicted}, which a trial showed to pass the limit");
            }

            if (round == MicroBatchDefaults.ModelRounds)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the line's prediction did not settle within {MicroBatchDefaults.ModelRounds} confirming trials");
            }

            if (TryRun(trials, predicted) is { } reason)
            {
                return reason;
            }
        }
    }

    /// <summary>The largest allowed size whose predicted peak stays under the budget: <c>floor((budget - fixed) / perSample)</c>, rounded down to the granularity.</summary>
    public static int Predict(SelectionTrials trials, MemoryFit fit) =>
        fit.BytesPerSample > 0
            ? trials.Clamp((trials.BudgetBytes - fit.FixedBytes) / fit.BytesPerSample)
            : trials.Highest;

    private static string? TryRun(SelectionTrials trials, int size)
    {
        if (!trials.CanTry)
        {
            trials.LimitReached = true;
            return "MaxTrials was reached before the model could confirm a prediction";
        }

        MicroBatchTrialRecord record = trials.Run(size);
        if (record.Outcome.IsOutOfMemory)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the trial at micro-batch {size} ran out of memory");
        }

        return record.Outcome.PeakBytes is null
            ? string.Create(CultureInfo.InvariantCulture, $"the trial at micro-batch {size} reported no peak bytes and the memory probe cannot read peaks")
            : null;
    }
}
