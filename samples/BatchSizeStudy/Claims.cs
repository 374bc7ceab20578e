using System.Collections.Generic;
using System.Linq;
using static BatchSizeStudy.Report;

namespace BatchSizeStudy;

/// <summary>The common advice about batch size and learning rate, each judged on one study's numbers by a rule stated with it.</summary>
internal static class Claims
{
    public static IEnumerable<string> Judge(StudyResults r)
    {
        StudySettings s = r.Settings;
        IReadOnlyList<RunResult> constant = r.ConstantRuns;
        int smallest = s.BatchSizes[0], largest = s.BatchSizes[^1];

        // 1. Throughput.
        if (constant.Count >= 2)
        {
            double first = constant[0].SamplesPerSecond, last = constant[^1].SamplesPerSecond;
            bool monotone = constant.Zip(constant.Skip(1)).All(p => p.Second.SamplesPerSecond >= 0.95 * p.First.SamplesPerSecond);
            yield return F($"**Larger batches give more samples per second: {Verdict(last >= 1.5 * first && monotone)}.** Batch {smallest}: {first:F0} samples/s; batch {largest}: {last:F0} samples/s ({last / first:F1}×); ") +
                string.Join(", ", constant.Select(c => F($"{c.Recipe.BatchSize}: {c.SamplesPerSecond:F0}"))) +
                ". Rule: the largest batch at least 1.5× the smallest, and no doubling more than 5 % slower.";
        }

        // 2. Generalisation.
        int[] small = s.BatchSizes.Where(b => b <= 64).ToArray(), large = s.BatchSizes.Where(b => b >= 256).ToArray();
        if (small.Length > 0 && large.Length > 0)
        {
            double bestSmall = small.Max(r.BestAt), bestLarge = large.Max(r.BestAt);
            double gapSmall = GapOf(r, small), gapLarge = GapOf(r, large);
            yield return F($"**Smaller batches generalise better: {Verdict(bestSmall >= bestLarge + 0.005)}.** Best test accuracy at the budget with batches ≤ 64: {bestSmall:F4}; with batches ≥ 256: {bestLarge:F4}. ") +
                F($"The train − test gap of those best runs is {gapSmall:+0.0000;-0.0000} and {gapLarge:+0.0000;-0.0000}: at a fixed sample budget the small batches take more steps and fit the training set more closely. Rule: the small batches' best at least 0.5 points above the large batches' best.");
        }

        // 3. Scaled rate and warmup for large batches.
        var verdicts = new List<string>();
        bool held = true;
        foreach (int b in s.BatchSizes.Where(b => b >= 256))
        {
            double Acc(string rule) => r.Fixed.FirstOrDefault(x => x.Recipe.Name == $"{b} · {rule}") is { } x ? (x.Diverged ? double.NaN : x.BudgetAccuracyOrLast) : double.NaN;
            double plain = Acc("constant"), scaled = Best(Acc("linear"), Acc("sqrt")), warm = Best(Acc("linear + warmup"), Acc("sqrt + warmup"));
            held &= warm > Best(plain, 0) && warm >= Best(scaled, 0) - 0.002;
            verdicts.Add(F($"batch {b}: constant {Show(plain)}, scaled {Show(scaled)}, scaled + warmup {Show(warm)}"));
        }

        if (verdicts.Count > 0)
        {
            yield return $"**Large batches need a scaled rate and a warmup: {Verdict(held)}.** Test accuracy at the budget (best of linear and sqrt): " + string.Join("; ", verdicts) +
                ". Rule: at every batch ≥ 256, scaled + warmup above the constant rate and not below scaled without warmup (0.2 points of slack).";
        }

        // 4. Growing the batch instead of decaying the rate.
        RunResult? grow = r.Dynamic.FirstOrDefault(x => x.Recipe.Name.StartsWith("grow instead of decay", System.StringComparison.Ordinal));
        RunResult? decay = r.Fixed.FirstOrDefault(x => x.Recipe.Name.Contains("rate ×0.2", System.StringComparison.Ordinal));
        if (grow is not null && decay is not null)
        {
            bool replaced = !grow.Diverged && grow.BudgetAccuracy >= decay.BudgetAccuracy - 0.005 && grow.BudgetSteps < decay.BudgetSteps;
            yield return F($"**Growing the batch can replace decaying the rate, with fewer optimizer steps: {Verdict(replaced)}.** Rate decayed ×0.2 twice at batch {s.ReferenceBatchSize}: {decay.BudgetAccuracy:F4} in {decay.BudgetSteps} steps; batch grown ×5 twice instead: {grow.BudgetAccuracy:F4} in {grow.BudgetSteps} steps. Rule: within 0.5 points, in fewer steps.");
        }

        // 5. The best range for image tasks.
        int best = s.BatchSizes.MaxBy(r.BestAt);
        yield return F($"**Image tasks do best between 32 and 512: {Verdict(best is >= 32 and <= 512)}.** The best fixed batch at the budget was {best} ({r.BestAt(best):F4}); ") +
            string.Join(", ", s.BatchSizes.Select(b => F($"{b}: {r.BestAt(b):F4}"))) + ". Rule: the best fixed batch (any rate rule) within [32, 512].";

        // 6. Dynamic against fixed, to 0.90.
        RunResult? fastFixed = StudyResults.Fastest(r.Fixed, 0.90), fastDynamic = StudyResults.Fastest(r.Dynamic, 0.90);
        if (fastFixed is null || fastDynamic is null)
        {
            yield return $"**A dynamic strategy reaches 0.90 sooner than the best fixed batch: not measured** ({(fastFixed is null ? "no fixed batch" : "no dynamic strategy")} reached 0.90 within the budget).";
        }
        else
        {
            double f = fastFixed.Reached(0.90)!.Seconds, d = fastDynamic.Reached(0.90)!.Seconds;
            yield return F($"**A dynamic strategy reaches 0.90 sooner than the best fixed batch: {Verdict(d < f)}.** Fastest dynamic: {fastDynamic.Recipe.Name}, {d:F1} s; fastest fixed: {fastFixed.Recipe.Name}, {f:F1} s. Rule: less training time to the first evaluation at 0.90 or above.");
        }
    }

    private static double GapOf(StudyResults r, int[] sizes) =>
        r.Fixed.Where(x => sizes.Contains(x.Recipe.BatchSize) && !x.Diverged).MaxBy(x => x.BudgetAccuracyOrLast)?.Gap ?? double.NaN;

    private static double Best(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : System.Math.Max(a, b);

    private static string Show(double accuracy) => double.IsNaN(accuracy) ? "diverged" : F($"{accuracy:F4}");

    private static string Verdict(bool held) => held ? "held" : "did not hold";
}
