using System;
using System.IO;
using System.Linq;
using BatchSizeStudy;

namespace BatchLr.Samples.Tests;

/// <summary>The study's quick mode trains for real (the embedded digits) and reports what it measured.</summary>
public class BatchSizeStudyRunTests(QuickStudyFixture study) : IClassFixture<QuickStudyFixture>
{
    [Fact]
    public void EveryRun_EvaluatesAtEachIntervalUpToTheBudgetOrItsEnd()
    {
        foreach (RunResult run in study.Results.Fixed.Concat(study.Results.Dynamic).Where(r => !r.Diverged))
        {
            // Evaluation points every 0.125 epoch: the epochs read there are multiples of it (the planner marks the step that
            // crosses each multiple), and a run stops at the budget, or goes on only while it is a constant-rate one.
            run.Evaluations.Should().NotBeEmpty(run.Recipe.Name);
            run.Evaluations.Select(e => e.Epochs).Should().BeInAscendingOrder();
            run.Evaluations.Should().OnlyContain(e => e.Accuracy >= 0 && e.Accuracy <= 1 && e.Seconds >= 0);
            run.Evaluations.Select(e => e.Seconds).Should().BeInAscendingOrder();
            run.Evaluations[^1].Epochs.Should().BeLessThanOrEqualTo(run.Recipe.ConstantRate ? study.Settings.ExtendedEpochs : study.Settings.BudgetEpochs, run.Recipe.Name);
            run.SamplesPerSecond.Should().BeGreaterThan(0);
            double.IsNaN(run.BudgetAccuracy).Should().BeFalse(run.Recipe.Name);
        }
    }

    [Fact]
    public void FixedRun_TakesAsManyStepsAsTheBudgetHasBatches()
    {
        long images = study.Data.TrainLabels.shape[0];
        foreach (RunResult run in study.Results.Fixed.Where(r => !r.Diverged))
        {
            // One epoch of N images in batches of B (the epoch's samples continue into the next batch): ⌈N / B⌉ steps.
            run.BudgetSteps.Should().Be((images + run.Recipe.BatchSize - 1) / run.Recipe.BatchSize, run.Recipe.Name);
        }
    }

    [Fact]
    public void SameRecipe_TrainsTheSameWay()
    {
        Recipe recipe = Recipes.Fixed(study.Settings).First();

        RunResult again = study.Trainer.Run(recipe);

        again.Evaluations.Select(e => e.Accuracy).Should().Equal(study.Results.Fixed[0].Evaluations.Select(e => e.Accuracy), "the weights and the data order are seeded");
    }

    [Fact]
    public void TheSmallBatch_LearnsTheDigits()
    {
        // 90 steps of batch 16 at rate 0.05 take a small CNN on the digits far above chance (0.1).
        study.Results.Fixed.Single(r => r.Recipe.Name == "16 · constant").BudgetAccuracy.Should().BeGreaterThan(0.8);
    }

    [Fact]
    public void Search_HalvesFromTheLargestAndStopsAtTheFirstHalvingThatDidNotHelp()
    {
        var trials = study.Results.Search;
        trials[0].BatchSize.Should().Be(study.Settings.BatchSizes[^1]);
        trials.Zip(trials.Skip(1)).Should().OnlyContain(p => p.Second.BatchSize * 2 == p.First.BatchSize);
        int stop = Enumerable.Range(1, trials.Count - 1).FirstOrDefault(i => trials[i].Accuracy < trials[i - 1].Accuracy + 0.002);
        study.Results.SearchChoice.Should().Be(stop == 0 ? trials[^1].BatchSize : trials[stop - 1].BatchSize);
        if (stop != 0)
        {
            trials.Should().HaveCount(stop + 1, "the search ends at the first halving that did not improve");
        }
    }

    [Fact]
    public void Report_HasTheHeadlineEveryRecipeTheClaimsAndThePlots()
    {
        string report = File.ReadAllText(study.ReportPath);

        report.Should().Contain("## Headline").And.Contain("## Claims").And.Contain(study.Settings.Command);
        foreach (RunResult run in study.Results.Fixed.Concat(study.Results.Dynamic))
        {
            report.Should().Contain("| " + run.Recipe.Name + " |");
        }

        report.Split('\n').Count(l => l.StartsWith("- **", StringComparison.Ordinal)).Should().Be(6, "six claims are judged");
        study.Plots.Should().HaveCount(3);
        foreach (string plot in study.Plots)
        {
            SampleProcess.IsPng(Path.Combine(study.Settings.Output, plot)).Should().BeTrue(plot);
            report.Should().Contain("](" + plot + ")");
        }
    }
}
