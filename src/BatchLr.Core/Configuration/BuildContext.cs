namespace BatchLr.Configuration;

/// <summary>What a builder knows about the parameter group it builds for.</summary>
/// <param name="BaseRate">The base learning rate <c>b</c>: the group's <c>lr</c> (a ChainedScheduler builds its children from it too).</param>
/// <param name="Group">The parameter-group index, which picks values out of per-group arrays.</param>
/// <param name="RatePath">The JSON path of the group's <c>lr</c>, named when a value derived from it is refused.</param>
internal readonly record struct BuildContext(double BaseRate, int Group, string RatePath);
