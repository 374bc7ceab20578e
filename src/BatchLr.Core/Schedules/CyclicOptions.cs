using System;

namespace BatchLr.Schedules;

/// <summary>Configures a cyclic schedule and its momentum companion (Smith 2017; PyTorch's CyclicLR).</summary>
public sealed class CyclicOptions
{
    /// <summary>Gets or sets the lower bound of the cycle, where it starts.</summary>
    /// <value>Required: a finite number zero or more.</value>
    public double BaseLearningRate { get; set; }

    /// <summary>Gets or sets the upper bound of the cycle.</summary>
    /// <value>Required: a finite number zero or more. Below <see cref="BaseLearningRate"/> the cycle runs the other way, as in PyTorch, which does not compare them.</value>
    public double MaxLearningRate { get; set; }

    /// <summary>Gets or sets the number of steps in the rising half of a cycle.</summary>
    /// <value>Greater than zero. The default is 2,000.</value>
    public double StepSizeUp { get; set; } = 2000;

    /// <summary>Gets or sets the number of steps in the falling half of a cycle.</summary>
    /// <value>Greater than zero, or <see langword="null"/> for the same as <see cref="StepSizeUp"/>. The default is <see langword="null"/>.</value>
    public double? StepSizeDown { get; set; }

    /// <summary>Gets or sets the damping policy. Ignored when <see cref="ScaleFunction"/> is set.</summary>
    /// <value>The default is <see cref="CyclicMode.Triangular"/>.</value>
    public CyclicMode Mode { get; set; } = CyclicMode.Triangular;

    /// <summary>Gets or sets the per-step decay of <see cref="CyclicMode.ExpRange"/>.</summary>
    /// <value>Greater than zero, and at most 1 in <see cref="CyclicMode.ExpRange"/> without a <see cref="ScaleFunction"/>, since an amplitude that grows by <c>gamma^t</c> would overflow at far positions. The default is 1.</value>
    public double Gamma { get; set; } = 1.0;

    /// <summary>Gets or sets a custom amplitude scale, a pure function with values in [0, 1].</summary>
    /// <value>The default is <see langword="null"/>: the scale of <see cref="Mode"/>.</value>
    public Func<double, double>? ScaleFunction { get; set; }

    /// <summary>Gets or sets what the scale function receives.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="CyclicScaleMode.Cycle"/> for the triangular modes and for a custom function, <see cref="CyclicScaleMode.Iterations"/> for <see cref="CyclicMode.ExpRange"/>.</value>
    public CyclicScaleMode? ScaleMode { get; set; }

    /// <summary>Gets or sets the momentum at the learning-rate peak, the lowest of the cycle.</summary>
    /// <value>The default is 0.8.</value>
    public double BaseMomentum { get; set; } = 0.8;

    /// <summary>Gets or sets the momentum at the cycle's start.</summary>
    /// <value>A finite number zero or more; below <see cref="BaseMomentum"/> the momentum cycles the other way. The default is 0.9.</value>
    public double MaxMomentum { get; set; } = 0.9;
}
