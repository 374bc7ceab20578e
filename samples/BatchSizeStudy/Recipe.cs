namespace BatchSizeStudy;

/// <summary>One way to train: a BatchLr spec (rate, batch, scaling, duration) and where it belongs in the report.</summary>
/// <param name="Name">The row's name in the report.</param>
/// <param name="Group">The table it belongs to.</param>
/// <param name="Spec">The JSON spec the planner is built from; every rate, batch and step of the run comes from it.</param>
/// <param name="BatchSize">The fixed batch size, or 0 for a recipe whose batch changes.</param>
/// <param name="ConstantRate">Whether the rate stays the same from the first step to the last (no warmup, no schedule, no coupling to a changing batch).</param>
/// <param name="ReportsAccuracy">Whether the spec reacts to the test accuracy reported at each evaluation (mode max).</param>
internal sealed record Recipe(string Name, RecipeGroup Group, string Spec, int BatchSize, bool ConstantRate, bool ReportsAccuracy = false);

/// <summary>The report's tables.</summary>
internal enum RecipeGroup
{
    /// <summary>One batch size for the whole run.</summary>
    Fixed,

    /// <summary>A batch that changes during the run.</summary>
    Dynamic,
}
