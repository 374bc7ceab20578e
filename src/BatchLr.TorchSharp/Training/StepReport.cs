using BatchLr.Feedback;

namespace BatchLr.TorchSharp;

/// <summary>Describes a planned step that ran: its plan, whether it updated the model, and what was measured.</summary>
public readonly struct StepReport
{
    internal StepReport(StepPlan plan, double loss, double seconds, GradientStatistics? gradients, int retries, StepStatus status)
    {
        Status = status;
        OutOfMemoryRetries = retries;
        Plan = plan;
        Loss = loss;
        Seconds = seconds;
        Gradients = gradients;
    }

    /// <summary>Gets the plan the step ran: its learning rates, batch split, and whether to evaluate now (<see cref="StepPlan.IsEvaluationPoint"/>).</summary>
    public StepPlan Plan { get; }

    /// <summary>Gets what the step did with its update: applied it, or skipped it because the loss or a gradient norm was not finite.</summary>
    /// <value>
    /// <see cref="StepStatus.Applied"/> when the optimizer stepped and the planner recorded the step. Otherwise the optimizer did
    /// not step, the planner passed the step's samples over without learning from them (<see cref="TrainingPlanner.SkipStep"/>),
    /// and <see cref="Gradients"/> is <see langword="null"/>; the loop goes on with the next step, as after AMP's
    /// <c>GradScaler</c> skips one, or stops if non-finite losses keep coming.
    /// </value>
    public StepStatus Status { get; }

    /// <summary>Gets the mean training loss over this replica's batch: the micro-batches' losses weighted by their shares.</summary>
    /// <value>A finite number when <see cref="Status"/> is <see cref="StepStatus.Applied"/>; for a step skipped for its loss, the NaN or infinity met (the micro-batches after the first non-finite one are not run).</value>
    public double Loss { get; }

    /// <summary>Gets the duration of the step in seconds, from the plan to the optimizer's step.</summary>
    public double Seconds { get; }

    /// <summary>Gets how many attempts ran out of memory before the step succeeded with a smaller micro-batch; <see cref="Plan"/> is the one that succeeded.</summary>
    public int OutOfMemoryRetries { get; }

    /// <summary>Gets the gradient measured at two batch sizes, or <see langword="null"/> when not measured (or when the batch fit in one micro-batch on one replica, or when the step was skipped).</summary>
    public GradientStatistics? Gradients { get; }
}
