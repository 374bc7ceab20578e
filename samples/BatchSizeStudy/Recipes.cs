using System.Collections.Generic;
using System.Globalization;

namespace BatchSizeStudy;

/// <summary>The recipes the study compares, each a BatchLr spec: the fixed-batch grid and the dynamic strategies practitioners describe.</summary>
internal static class Recipes
{
    /// <summary>Every fixed batch size with a constant rate, and with the linearly and the square-root scaled rate, each with and without warmup; and batch 32 with its rate decayed in steps, the twin of growing the batch instead.</summary>
    public static IEnumerable<Recipe> Fixed(StudySettings s)
    {
        int reference = s.ReferenceBatchSize;
        foreach (int b in s.BatchSizes)
        {
            string batch = $$"""{ "type": "fixed", "batch_size": {{b}} }""";
            yield return new Recipe($"{b} · constant", RecipeGroup.Fixed, Spec(s, Constant, batch, null, s.ExtendedEpochs), b, ConstantRate: true);
            if (b == reference)
            {
                yield return new Recipe($"{b} · constant + warmup", RecipeGroup.Fixed, Spec(s, Warmup(s), batch, null, s.BudgetEpochs), b, ConstantRate: false);
                continue;
            }

            foreach (string rule in (string[])["linear", "sqrt"])
            {
                string scaling = $$"""{ "type": "{{rule}}", "reference_batch_size": {{reference}} }""";
                yield return new Recipe($"{b} · {rule}", RecipeGroup.Fixed, Spec(s, Constant, batch, scaling, s.ExtendedEpochs), b, ConstantRate: true);
                yield return new Recipe($"{b} · {rule} + warmup", RecipeGroup.Fixed, Spec(s, Warmup(s), batch, scaling, s.BudgetEpochs), b, ConstantRate: false);
            }
        }

        yield return new Recipe(
            $"{reference} · rate ×0.2 every {N(s.BudgetEpochs / 3)} ep",
            RecipeGroup.Fixed,
            Spec(s, StepDecay(s), $$"""{ "type": "fixed", "batch_size": {{reference}} }""", null, s.BudgetEpochs),
            reference,
            ConstantRate: false);
    }

    /// <summary>Batches that change as training goes: large then small, periodic, on plateau, instead of a decay, noise-adaptive; and BatchLr's own recipes.</summary>
    public static IEnumerable<Recipe> Dynamic(StudySettings s)
    {
        int r = s.ReferenceBatchSize;
        string third = E(s.BudgetEpochs / 3), twoThirds = E(2 * s.BudgetEpochs / 3), sixth = E(s.BudgetEpochs / 6);
        string thirdName = N(s.BudgetEpochs / 3), sixthName = N(s.BudgetEpochs / 6);
        string sqrt = $$"""{ "type": "sqrt", "reference_batch_size": {{r}} }""";
        string linear = $$"""{ "type": "linear", "reference_batch_size": {{r}} }""";

        yield return Dynamic(s, $"large → small: {16 * r} → {4 * r} → {r}, sqrt-coupled rate", Warmup(s),
            $$"""{ "type": "steps", "milestones": ["{{third}}ep", "{{twoThirds}}ep"], "sizes": [{{16 * r}}, {{4 * r}}, {{r}}], "clock": "epochs" }""", sqrt);
        yield return Dynamic(s, $"periodic: ×2 every {sixthName} ep from {r}, sqrt-coupled rate", Constant,
            $$"""{ "type": "geometric", "initial": {{r}}, "factor": 2, "interval": {{sixth}}, "maximum": {{32 * r}} }""", sqrt);
        yield return Dynamic(s, $"on plateau: ×2 when test accuracy stalls, from {r}", Constant,
            $$"""{ "type": "fixed", "batch_size": {{r}}, "max_batch_size": {{32 * r}}, "on_plateau": { "mode": "max", "factor": 2, "patience": 1, "threshold": 0.002, "threshold_mode": "abs" } }""",
            sqrt, reportsAccuracy: true);
        yield return Dynamic(s, $"grow instead of decay: ×5 every {thirdName} ep (Smith et al. 2018)", StepDecay(s),
            $$"""{ "type": "decay_equivalent", "reference_batch_size": {{r}}, "maximum_batch_size": {{32 * r}} }""", linear);
        yield return Dynamic(s, "noise-adaptive: B_simple (McCandlish et al. 2018)", Constant,
            $$"""{ "type": "noise_adaptive", "initial_batch_size": {{r}}, "update_interval": 50, "max_batch_size": {{32 * r}} }""", sqrt);
        yield return Dynamic(s, $"BatchLr: one-cycle, {r} → {2 * r} → {4 * r}, sqrt", """{ "type": "OneCycleLR", "max_lr": 0.1, "total_steps": "1dur", "pct_start": 0.2 }""",
            $$"""{ "type": "steps", "milestones": ["{{sixth}}ep", "{{third}}ep"], "sizes": [{{r}}, {{2 * r}}, {{4 * r}}], "clock": "epochs" }""", sqrt);
        yield return Dynamic(s, $"BatchLr: warmup-cosine, {r} → {8 * r} ramp, sqrt", """{ "type": "cosine", "num_warmup_steps": "0.1dur", "num_training_steps": "1dur" }""",
            $$"""{ "type": "geometric", "initial": {{r}}, "factor": 2, "interval": {{third}}, "maximum": {{8 * r}} }""", sqrt);
    }

    /// <summary>The fixed batch <paramref name="batchSize"/> with the square-root-scaled rate and warmup, for <paramref name="epochs"/> epochs: a step of the halving search.</summary>
    public static Recipe SearchStep(StudySettings s, int batchSize, double epochs) => new(
        $"{batchSize} · sqrt + warmup",
        RecipeGroup.Fixed,
        Spec(s, Warmup(s), $$"""{ "type": "fixed", "batch_size": {{batchSize}} }""", $$"""{ "type": "sqrt", "reference_batch_size": {{s.ReferenceBatchSize}} }""", epochs),
        batchSize,
        ConstantRate: false);

    private const string Constant = """{ "type": "constant" }""";

    private static string Warmup(StudySettings s) => $$"""{ "type": "constant_with_warmup", "num_warmup_steps": "{{E(s.WarmupEpochs)}}ep" }""";

    private static string StepDecay(StudySettings s) => $$"""{ "type": "StepLR", "step_size": "{{E(s.BudgetEpochs / 3)}}ep", "gamma": 0.2 }""";

    private static Recipe Dynamic(StudySettings s, string name, string schedule, string batch, string scaling, bool reportsAccuracy = false) =>
        new(name, RecipeGroup.Dynamic, Spec(s, schedule, batch, scaling, s.BudgetEpochs), 0, ConstantRate: false, reportsAccuracy);

    private static string Spec(StudySettings s, string schedule, string batch, string? scaling, double epochs) => $$"""
        {
          "lr": {{E(s.BaseRate)}},
          "clock": "samples",
          "schedule": {{schedule}},
          "batch": {{batch}},
          "scaling": {{scaling ?? """{ "type": "none" }"""}},
          "duration": "{{E(epochs)}}ep",
          "evaluation_interval": "{{E(s.EvaluationEpochs)}}ep"
        }
        """;

    private static string E(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
