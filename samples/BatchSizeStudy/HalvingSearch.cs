using System;
using System.Collections.Generic;

namespace BatchSizeStudy;

/// <summary>The search practitioners do by hand, as one call: start with the largest batch and its scaled rate, halve while the test accuracy after a short run improves.</summary>
internal static class HalvingSearch
{
    /// <summary>A batch size tried and the test accuracy its short run reached.</summary>
    public sealed record Trial(int BatchSize, double Accuracy, double Seconds);

    /// <summary>Runs the search from the grid's largest batch down to its smallest, each trial one fixed batch with the square-root-scaled rate and warmup for a third of the sample budget.</summary>
    /// <returns>The trials in order and the batch chosen: the one before the first halving that did not improve the accuracy by at least 0.2 points.</returns>
    public static (IReadOnlyList<Trial> Trials, int Chosen) Run(Trainer trainer, StudySettings settings, Action<Recipe>? starting = null)
    {
        var trials = new List<Trial>();
        int largest = settings.BatchSizes[^1], smallest = settings.BatchSizes[0];
        int chosen = largest;
        for (int b = largest; b >= smallest; b /= 2)
        {
            Recipe recipe = Recipes.SearchStep(settings, b, settings.BudgetEpochs / 3);
            starting?.Invoke(recipe);
            RunResult result = trainer.Run(recipe);
            trials.Add(new Trial(b, result.Diverged ? 0 : result.BudgetAccuracyOrLast, result.Evaluations.Count > 0 ? result.Evaluations[^1].Seconds : 0));
            if (trials.Count > 1 && trials[^1].Accuracy < trials[^2].Accuracy + 0.002)
            {
                break;
            }

            chosen = b;
        }

        return (trials, chosen);
    }
}
