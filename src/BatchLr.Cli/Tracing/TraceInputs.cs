namespace BatchLr.Cli.Tracing;

/// <summary>What a command line adds to a spec to run it step by step.</summary>
/// <param name="Steps">The number of steps, or <see langword="null"/> to run a plan to its duration.</param>
/// <param name="Metrics">The metric reported after each step, from the first; none after the last.</param>
/// <param name="DatasetSize">Samples per epoch, for a plan; <see langword="null"/> when not given.</param>
/// <param name="TokensPerSample">Tokens in one sample, for a plan; <see langword="null"/> when not given.</param>
internal sealed record TraceInputs(int? Steps, double[] Metrics, long? DatasetSize, long? TokensPerSample);
