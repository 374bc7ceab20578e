namespace BatchLr.Cli.Plotting;

/// <summary>One curve of a plot: a column of <c>batchlr schedule</c>, per step.</summary>
/// <param name="Name">The column name: <c>lr</c>, <c>lr_1</c>, <c>momentum</c>, <c>batch</c>, <c>micro_batch</c>, ….</param>
/// <param name="Values">One value per step.</param>
/// <param name="IsSampleCount">Whether the values count samples (batch sizes), drawn against the right axis; rates and momentum are drawn against the left one.</param>
internal sealed record PlotSeries(string Name, double[] Values, bool IsSampleCount);
