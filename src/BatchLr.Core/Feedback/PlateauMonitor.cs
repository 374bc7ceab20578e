namespace BatchLr.Feedback;

/// <summary>Names the metric a plateau reaction watches.</summary>
public enum PlateauMonitor
{
    /// <summary>The metric the loop reports between steps with <see cref="TrainingPlanner.Report(double)"/>, such as a validation loss. The default.</summary>
    ReportedMetric = 0,

    /// <summary>The training loss of each step (<see cref="StepOutcome.Loss"/>), averaged over windows of <see cref="PlateauOptions.LossWindow"/> steps; each full window counts as one report.</summary>
    TrainingLoss = 1,
}
