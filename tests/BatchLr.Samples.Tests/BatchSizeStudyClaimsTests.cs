using System;
using System.Collections.Generic;
using System.Linq;
using BatchSizeStudy;

namespace BatchLr.Samples.Tests;

/// <summary>The report's verdicts follow their stated rules, on made-up results whose answer is known.</summary>
public class BatchSizeStudyClaimsTests
{
    private static readonly StudySettings Settings = new() { Quick = true }; // batches 16, 64, 256

    [Fact]
    public void Throughput_HoldsWhenItRisesWithTheBatch_AndNotWhenTheLargestIsSlower()
    {
        Judge(Constant(16, 1000), Constant(64, 1500), Constant(256, 2000)).Should().Contain(c => c.StartsWith("**Larger batches give more samples per second: held.**", StringComparison.Ordinal));
        Judge(Constant(16, 1000), Constant(64, 1500), Constant(256, 1200)).Should().Contain(c => c.StartsWith("**Larger batches give more samples per second: did not hold.**", StringComparison.Ordinal));
    }

    [Fact]
    public void BestRange_IsJudgedFromTheBestFixedBatch()
    {
        Judge(Constant(16, 1, accuracy: 0.90), Constant(64, 1, accuracy: 0.91), Constant(256, 1, accuracy: 0.85))
            .Should().Contain(c => c.StartsWith("**Image tasks do best between 32 and 512: held.** The best fixed batch at the budget was 64", StringComparison.Ordinal));
        Judge(Constant(16, 1, accuracy: 0.92), Constant(64, 1, accuracy: 0.91), Constant(256, 1, accuracy: 0.85))
            .Should().Contain(c => c.StartsWith("**Image tasks do best between 32 and 512: did not hold.** The best fixed batch at the budget was 16", StringComparison.Ordinal));
    }

    [Fact]
    public void Generalisation_NeedsHalfAPointBetweenTheSmallAndTheLargeBatches()
    {
        Judge(Constant(16, 1, accuracy: 0.905), Constant(256, 1, accuracy: 0.90)).Should().Contain(c => c.Contains("generalise better: held", StringComparison.Ordinal));
        Judge(Constant(16, 1, accuracy: 0.904), Constant(256, 1, accuracy: 0.90)).Should().Contain(c => c.Contains("generalise better: did not hold", StringComparison.Ordinal));
    }

    [Fact]
    public void Headline_IsTheRecipesTimeOverTheBaselinesTime()
    {
        RunResult baseline = Constant(64, 1, reached: (60, 0.912)), slower = Constant(16, 1, reached: (80, 0.911));
        RunResult recipe = Dynamic("BatchLr: a", reached: (30, 0.915)), other = Dynamic("BatchLr: b", reached: (45, 0.92));
        var results = new StudyResults(Settings, [slower, baseline], [other, recipe], [], 0, 1);

        results.BestBaseline.Should().BeSameAs(baseline);
        results.BestRecipe.Should().BeSameAs(recipe);
        results.HeadlineRatio.Should().Be(0.5);
        new StudyResults(Settings, [slower, baseline], [Dynamic("never", reached: (10, 0.90))], [], 0, 1).HeadlineRatio.Should().Be(double.NaN);
    }

    private static List<string> Judge(params RunResult[] fixedRuns) => Claims.Judge(new StudyResults(Settings, fixedRuns, [], [], 0, 1)).ToList();

    private static RunResult Constant(int batch, double samplesPerSecond, double accuracy = 0.9, (double Seconds, double Accuracy)? reached = null) => new(
        new Recipe($"{batch} · constant", RecipeGroup.Fixed, "{}", batch, ConstantRate: true),
        reached is { } r ? [new Evaluation(r.Seconds, 10, 100, 1, batch, r.Accuracy)] : [],
        samplesPerSecond,
        accuracy,
        accuracy + 0.01,
        100,
        Diverged: false);

    private static RunResult Dynamic(string name, (double Seconds, double Accuracy) reached) => new(
        new Recipe(name, RecipeGroup.Dynamic, "{}", 0, ConstantRate: false),
        [new Evaluation(reached.Seconds, 10, 100, 1, 32, reached.Accuracy)],
        1,
        reached.Accuracy,
        reached.Accuracy,
        10,
        Diverged: false);
}
