using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr;
using BatchSizeStudy;

namespace BatchLr.Samples.Tests;

/// <summary>The study's recipes plan what their names say: checked by planning every step of the budget, no training.</summary>
public class BatchSizeStudyRecipeTests
{
    private const int FashionMnistTrainingImages = 60_000;

    public static TheoryData<bool> Modes => new() { false, true };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Recipes_AreUniqueAndEveryOneBuildsAPlan(bool quick)
    {
        var settings = new StudySettings { Quick = quick };
        List<Recipe> all = [.. Recipes.Fixed(settings), .. Recipes.Dynamic(settings)];

        all.Select(r => r.Name).Should().OnlyHaveUniqueItems();
        foreach (Recipe recipe in all)
        {
            TrainingPlannerOptions options = ScheduleSpec.Parse(recipe.Spec).BuildPlannerOptions(FashionMnistTrainingImages);
            options.Duration.Should().NotBeNull(recipe.Name);
        }

        // Per batch size: constant, and linear and sqrt each with and without warmup; the reference batch has no scaled
        // variants (they equal the constant rate) but a warmup one; plus the step-decay twin. Seven dynamic recipes.
        int sizes = settings.BatchSizes.Count, withReference = settings.BatchSizes.Contains(settings.ReferenceBatchSize) ? 1 : 0;
        Recipes.Fixed(settings).Should().HaveCount((5 * (sizes - withReference)) + (2 * withReference) + 1);
        Recipes.Dynamic(settings).Should().HaveCount(7);
    }

    [Fact]
    public void FixedRecipes_PlanTheirBatchAndTheRateOfTheirRule()
    {
        var settings = new StudySettings();
        foreach (Recipe recipe in Recipes.Fixed(settings).Where(r => !r.Name.Contains('×', StringComparison.Ordinal)))
        {
            List<StepPlan> plans = PlanAll(recipe, settings.BudgetEpochs);
            int b = recipe.BatchSize;
            plans.Take(plans.Count - 1).Should().OnlyContain(p => p.Batch.GlobalBatchSize == b, recipe.Name);

            // Goyal et al.: η·B/B₀; Hoffer et al.: η·√(B/B₀); both at B₀ = 32 from η = 0.05.
            double expected = recipe.Name.Contains("linear", StringComparison.Ordinal) ? 0.05 * b / 32
                : recipe.Name.Contains("sqrt", StringComparison.Ordinal) ? 0.05 * Math.Sqrt(b / 32.0)
                : 0.05;
            // The budget's last batch may be cut to what remains, and a scaling rule scales by the batch it runs: read the one before.
            plans[^2].LearningRate.Should().BeApproximately(expected, 1e-15, recipe.Name);
            bool constant = plans.All(p => p.LearningRate == plans[0].LearningRate);
            constant.Should().Be(recipe.ConstantRate, recipe.Name);
            if (recipe.Name.EndsWith("warmup", StringComparison.Ordinal))
            {
                // Linear from 0 over a tenth of the budget (0.3 epochs = 18,000 samples), then the scaled rate.
                StepPlan first = plans[0];
                first.LearningRate.Should().Be(0);
                plans.First(p => p.LearningRate == expected).Should().NotBeNull();
            }
        }
    }

    [Fact]
    public void GrowInsteadOfDecay_KeepsTheRateAndMultipliesTheBatchByFive()
    {
        var settings = new StudySettings();
        Recipe grow = Recipes.Dynamic(settings).Single(r => r.Name.StartsWith("grow instead of decay", StringComparison.Ordinal));
        Recipe decay = Recipes.Fixed(settings).Single(r => r.Name.Contains("rate ×0.2", StringComparison.Ordinal));

        List<StepPlan> growing = PlanAll(grow, settings.BudgetEpochs), decaying = PlanAll(decay, settings.BudgetEpochs);

        // Smith et al. 2018: where StepLR multiplies the rate by 0.2, the batch is multiplied by 5 and the rate kept, so the
        // rate over the batch (the noise scale) follows the decayed schedule: 0.05 / 32, then 0.01 / 32, then 0.002 / 32.
        growing.Take(growing.Count - 1).Select(p => p.Batch.GlobalBatchSize).Distinct().Should().Equal(32, 160, 800);
        growing.Should().OnlyContain(p => Math.Abs(p.LearningRate - 0.05) < 1e-15);
        decaying.Select(p => p.LearningRate).Distinct().Should().HaveCount(3);
        decaying.Select(p => p.LearningRate).Distinct().Should().BeEquivalentTo([0.05, 0.05 * 0.2, 0.05 * 0.2 * 0.2], o => o.Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-15)).WhenTypeIs<double>());
        // 60,000 images an epoch: 1,875 steps of 32, then 375 of 160, then 75 of 800, against 3 × 1,875 at batch 32.
        growing.Should().HaveCount(1875 + 375 + 75);
        decaying.Should().HaveCount(3 * 1875);
    }

    [Fact]
    public void LargeThenSmall_ShrinksTheBatchAndTheCoupledRateAtEachThird()
    {
        var settings = new StudySettings();
        Recipe recipe = Recipes.Dynamic(settings).Single(r => r.Name.StartsWith("large → small", StringComparison.Ordinal));

        List<StepPlan> plans = PlanAll(recipe, settings.BudgetEpochs);

        plans.Select(p => p.Batch.GlobalBatchSize).Distinct().Should().Equal(512, 128, 32);
        plans.Last(p => p.Batch.GlobalBatchSize == 512).LearningRate.Should().BeApproximately(0.05 * Math.Sqrt(16), 1e-15);
        plans.Last(p => p.Batch.GlobalBatchSize == 128).LearningRate.Should().BeApproximately(0.05 * Math.Sqrt(4), 1e-15);
        plans[^1].LearningRate.Should().BeApproximately(0.05, 1e-15);
    }

    [Fact]
    public void Settings_RefuseUnknownOptionsAndBadValuesByName()
    {
        FluentActions.Invoking(() => StudySettings.Parse(["--epochs", "3"])).Should().Throw<ArgumentException>().WithMessage("*'--epochs'*");
        FluentActions.Invoking(() => StudySettings.Parse(["--dataset", "mnist"])).Should().Throw<ArgumentException>().WithMessage("*--dataset*mnist*");
        FluentActions.Invoking(() => StudySettings.Parse(["--seed"])).Should().Throw<ArgumentException>().WithMessage("*--seed*");
        StudySettings.Parse(["--quick", "--dataset", "digits", "--seed", "11"]).Should().Be(new StudySettings { Quick = true, Dataset = "digits", Seed = 11 });
    }

    /// <summary>Every plan of <paramref name="recipe"/> over the first <paramref name="epochs"/> epochs of Fashion-MNIST's training set.</summary>
    private static List<StepPlan> PlanAll(Recipe recipe, double epochs)
    {
        var planner = new TrainingPlanner(ScheduleSpec.Parse(recipe.Spec).BuildPlannerOptions(FashionMnistTrainingImages));
        var plans = new List<StepPlan>();
        while (!planner.IsComplete && planner.Progress.Epoch < epochs)
        {
            StepPlan plan = planner.Plan();
            plans.Add(plan);
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize));
        }

        return plans;
    }
}
