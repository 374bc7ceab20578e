using System;
using System.Collections.Generic;
using System.Threading;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>Configures a planned optimizer step (<see cref="PlannedStepExtensions.Step{TBatch}(TrainingPlanner, Optimizer, PlannedLoader{TBatch}, Func{TBatch, Tensor}, PlannedStepOptions?, CancellationToken)"/>).</summary>
public sealed class PlannedStepOptions
{
    /// <summary>Gets or sets the largest global L2 norm of the gradient: above it the gradient is scaled down before the optimizer steps (<c>clip_grad_norm_</c>).</summary>
    /// <value>
    /// A finite number greater than zero, or <see langword="null"/> for no clipping. The default is <see langword="null"/>. The
    /// norm clipping computes is also checked: when it is NaN or infinite the update is skipped
    /// (<see cref="StepStatus.SkippedNonFiniteGradient"/>), so clipping at a limit the gradient never reaches checks every
    /// step's gradient for the price of one norm.
    /// </value>
    public double? MaxGradientNorm { get; set; }

    /// <summary>Gets or sets whether the step measures the gradient at two batch sizes for the noise estimate.</summary>
    /// <value>
    /// <see langword="null"/> to measure exactly when the planner needs it (<see cref="TrainingPlanner.NeedsGradientStatistics"/>), the
    /// default. The measurement reads gradients the step computes anyway: two squared norms, no extra backward pass.
    /// </value>
    public bool? MeasureGradientNoise { get; set; }

    /// <summary>Gets or sets the averaging of gradients across data-parallel replicas, called once per step after the last micro-batch's backward pass and before clipping and the optimizer's step.</summary>
    /// <value>
    /// <see langword="null"/> on one replica (the default). With replicas, wire it to your engine's all-reduce (mean); BatchLr
    /// does not own the communication. The noise measurement then pairs this replica's gradient, read before the call, with
    /// the averaged one read after it.
    /// </value>
    public Action<IReadOnlyList<Parameter>>? AllReduceGradients { get; set; }

    /// <summary>Gets or sets whether a step that runs out of memory is retried with half the micro-batch and twice the accumulation.</summary>
    /// <value>
    /// The default is <see langword="true"/>: the failed attempt's partial gradients are discarded, the planner lowers its limit
    /// (<see cref="TrainingPlanner.ReportOutOfMemory"/>) and the same samples run again, so the optimizer sees the same global
    /// batch and steps once. <see langword="false"/> lets the out-of-memory propagate, with the step undone: gradients discarded,
    /// the groups' learning rates put back, the optimizer not stepped and the planner not advanced.
    /// </value>
    public bool RecoverFromOutOfMemory { get; set; } = true;

    /// <summary>Gets or sets how data-parallel ranks agree that some rank ran out of memory, called once per attempt with this rank's flag.</summary>
    /// <value>
    /// <see langword="null"/> on one replica (the default). With replicas, wire it to your engine's all-reduce of the flag with
    /// MAX (any rank's failure fails the attempt on every rank), so all ranks shrink together and keep planning the same step;
    /// it runs before <see cref="AllReduceGradients"/>.
    /// </value>
    public Func<bool, bool>? AgreeOnOutOfMemory { get; set; }

    /// <summary>Gets or sets the clock that times the step.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
