using System;
using System.Collections.Generic;
using System.Linq;

namespace BatchSizeStudy;

/// <summary>A test evaluation during a run: where training was (seconds of training, not counting evaluations; optimizer steps; samples; epochs), the batch then, and the test accuracy.</summary>
internal sealed record Evaluation(double Seconds, long Steps, long Samples, double Epochs, int BatchSize, double Accuracy);

/// <summary>What one recipe did: its evaluations, its throughput, and the train and test accuracy at the sample budget.</summary>
internal sealed record RunResult(Recipe Recipe, IReadOnlyList<Evaluation> Evaluations, double SamplesPerSecond, double BudgetAccuracy, double BudgetTrainAccuracy, long BudgetSteps, bool Diverged)
{
    /// <summary>The training accuracy minus the test accuracy at the budget, on as many training images as there are test images.</summary>
    public double Gap => BudgetTrainAccuracy - BudgetAccuracy;

    /// <summary>The first evaluation that reached <paramref name="accuracy"/>, or <see langword="null"/>.</summary>
    public Evaluation? Reached(double accuracy) => Evaluations.FirstOrDefault(e => e.Accuracy >= accuracy);

    /// <summary>The accuracy at the budget, or at the last evaluation of a run shorter than the budget.</summary>
    public double BudgetAccuracyOrLast => !double.IsNaN(BudgetAccuracy) ? BudgetAccuracy : Evaluations.Count > 0 ? Evaluations[^1].Accuracy : 0;

    /// <summary>The best test accuracy of any evaluation.</summary>
    public double BestAccuracy => Evaluations.Count == 0 ? 0 : Evaluations.Max(e => e.Accuracy);
}
