namespace BatchLr.Schedules;

/// <summary>Configures a schedule that decays in cycles and restarts (SGDR; timm's cosine, tanh and polynomial schedules; Keras' CosineDecayRestarts).</summary>
public sealed class RestartsOptions
{
    /// <summary>Gets or sets the value at the start of the first cycle.</summary>
    /// <value>Required: a finite number zero or more. It may be less than <see cref="MinValue"/>, which turns each cycle upside down, as PyTorch's CosineAnnealingWarmRestarts does with an <c>eta_min</c> above the rate.</value>
    public double MaxValue { get; set; }

    /// <summary>Gets or sets the value each cycle decays to (PyTorch's <c>eta_min</c>, timm's <c>lr_min</c>).</summary>
    /// <value>A finite number zero or more. The default is 0.</value>
    public double MinValue { get; set; }

    /// <summary>Gets or sets the length of the first cycle (PyTorch's <c>T_0</c>, timm's <c>t_initial</c>).</summary>
    /// <value>Required: greater than zero.</value>
    public double Period { get; set; }

    /// <summary>Gets or sets the factor by which each cycle is longer than the one before (<c>T_mult</c>, <c>cycle_mul</c>).</summary>
    /// <value>1 or more. The default is 1.</value>
    public double PeriodMultiplier { get; set; } = 1.0;

    /// <summary>Gets or sets the factor applied to the peak at each restart, so cycle <c>i</c> peaks at <c>MaxValue · CycleDecay^i</c> while the floor stays at <see cref="MinValue"/> (timm's <c>cycle_decay</c>).</summary>
    /// <value>
    /// Greater than zero. The default is 1. Above 1 the peak grows at each restart, which is accepted only with a
    /// <see cref="CycleLimit"/> and while the last peak, <c>MaxValue · CycleDecay^(CycleLimit - 1)</c>, is finite: a peak that
    /// grows without end would overflow at far positions.
    /// </value>
    public double CycleDecay { get; set; } = 1.0;

    /// <summary>
    /// Gets or sets the factor applied to the amplitude at each restart, so cycle <c>i</c> spans
    /// <c>MinValue + (peak - MinValue) · AmplitudeDecay^i · f</c> (Keras' <c>m_mul</c>). Unlike <see cref="CycleDecay"/>,
    /// which lowers the peak toward a fixed floor, this shrinks the whole swing above the floor; the two agree when
    /// <see cref="MinValue"/> is 0.
    /// </summary>
    /// <value>From 0 to 1. The default is 1, no decay.</value>
    public double AmplitudeDecay { get; set; } = 1.0;

    /// <summary>Gets or sets the number of cycles after which the value stays at <see cref="MinValue"/> (timm's <c>cycle_limit</c>).</summary>
    /// <value>1 or more, or <see langword="null"/> for no limit. The default is <see langword="null"/>.</value>
    public int? CycleLimit { get; set; }

    /// <summary>Gets or sets the exponent <c>k</c> of the k-decay cosine, <c>cos(π tcur^k / Ti^k)</c> (timm's <c>k_decay</c>; Zhang and Li 2020).</summary>
    /// <value>Greater than zero. The default is 1, the plain cosine.</value>
    public double KDecay { get; set; } = 1.0;
}
