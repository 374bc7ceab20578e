namespace BatchLr.Cli.Plotting;

/// <summary>Names what the horizontal axis of a plot counts.</summary>
internal enum PlotAxis
{
    /// <summary>Optimizer steps (without a <c>batch</c> section, units of the spec's clock).</summary>
    Steps,

    /// <summary>Samples consumed before each step.</summary>
    Samples,

    /// <summary>Epochs completed before each step, fractional.</summary>
    Epochs,
}
