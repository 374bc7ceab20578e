using System;
using System.Collections.Generic;
using System.Linq;

namespace BatchSizeStudy;

/// <summary>Every run of one study, and the comparisons the report draws from them.</summary>
internal sealed record StudyResults(StudySettings Settings, IReadOnlyList<RunResult> Fixed, IReadOnlyList<RunResult> Dynamic, IReadOnlyList<HalvingSearch.Trial> Search, int SearchChoice, double Seconds)
{
    /// <summary>The constant-rate fixed-batch run that reached the headline accuracy in the least training time (none if none did).</summary>
    public RunResult? BestBaseline => Fastest(Fixed.Where(r => r.Recipe.ConstantRate), Settings.Headline);

    /// <summary>The dynamic (BatchLr-planned) run that reached the headline accuracy in the least training time.</summary>
    public RunResult? BestRecipe => Fastest(Dynamic, Settings.Headline);

    /// <summary>Time to the headline accuracy of the best recipe over that of the best baseline, or NaN when either never reached it.</summary>
    public double HeadlineRatio => BestBaseline?.Reached(Settings.Headline) is { } b && BestRecipe?.Reached(Settings.Headline) is { } r ? r.Seconds / b.Seconds : double.NaN;

    /// <summary>The run of <paramref name="runs"/> that reached <paramref name="accuracy"/> first in training time.</summary>
    public static RunResult? Fastest(IEnumerable<RunResult> runs, double accuracy) =>
        runs.Where(r => r.Reached(accuracy) is not null).MinBy(r => r.Reached(accuracy)!.Seconds);

    /// <summary>The constant-rate run at each batch size, smallest first (the throughput curve).</summary>
    public IReadOnlyList<RunResult> ConstantRuns => Fixed.Where(r => r.Recipe.Name.EndsWith("· constant", StringComparison.Ordinal)).OrderBy(r => r.Recipe.BatchSize).ToList();

    /// <summary>The best accuracy at the budget of any fixed run at batch size <paramref name="batchSize"/>.</summary>
    public double BestAt(int batchSize) => Fixed.Where(r => r.Recipe.BatchSize == batchSize && !r.Diverged).Select(r => r.BudgetAccuracyOrLast).DefaultIfEmpty(0).Max();
}
