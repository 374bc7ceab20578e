using BatchLr.Feedback;

namespace BatchLr.TorchSharp;

/// <summary>Describes a planned step that ran: its plan and what was measured, as reported to the planner.</summary>
public readonly struct StepReport
{
    internal StepReport(StepPlan plan, double loss, double seconds, GradientStatistics? gradients, int retries)
    {
        OutOfMemoryRetries = retries;
        Plan = plan;
        Loss = loss;
        Seconds = seconds;
        Gradients = gradients;
    }

    /// <summary>Gets the plan the step ran: its learning rates, batch split, and whether to evaluate now (<see cref="StepPlan.IsEvaluationPoint"/>).</summary>
    public StepPlan Plan { get; }

    /// <summary>Gets the mean training loss over this replica's batch: the micro-batches' losses weighted by their shares.</summary>
    public double Loss { get; }

    /// <summary>Gets the duration of the step in seconds, from the plan to the optimizer's step.</summary>
    public double Seconds { get; }

    /// <summary>Gets how many attempts ran out of memory before the step succeeded with a smaller micro-batch; <see cref="Plan"/> is the one that succeeded.</summary>
    public int OutOfMemoryRetries { get; }

    /// <summary>Gets the gradient measured at two batch sizes, or <see langword="null"/> when not measured (or when the batch fit in one micro-batch on one replica).</summary>
    public GradientStatistics? Gradients { get; }
}
