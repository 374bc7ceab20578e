namespace BatchLr.Configuration;

/// <summary>What a builder knows about the parameter group it builds for.</summary>
/// <param name="BaseRate">The base learning rate <c>b</c>: the group's <c>lr</c>, or, inside a PyTorch composite, the rate PyTorch gives the scheduler (see <see cref="TorchConstruction"/>).</param>
/// <param name="Group">The parameter-group index, which picks values out of per-group arrays.</param>
/// <param name="RatePath">The JSON path of the group's <c>lr</c>, named when a value derived from it is refused.</param>
/// <param name="Torch">Inside a <c>SequentialLR</c> or <c>ChainedScheduler</c>, what constructing its schedulers on one optimizer leaves in the parameter group; <see langword="null"/> outside.</param>
internal readonly record struct BuildContext(double BaseRate, int Group, string RatePath, TorchConstruction? Torch = null);
