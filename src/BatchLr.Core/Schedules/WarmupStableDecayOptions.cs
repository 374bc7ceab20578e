namespace BatchLr.Schedules;

/// <summary>Configures a warmup–stable–decay schedule (Hu et al. 2024, MiniCPM; Hugging Face's <c>warmup_stable_decay</c>).</summary>
public sealed class WarmupStableDecayOptions
{
    /// <summary>Gets or sets the value of the stable phase.</summary>
    /// <value>Required: a finite number zero or more.</value>
    public double PeakValue { get; set; }

    /// <summary>Gets or sets the length of the warmup phase.</summary>
    /// <value>Zero or more. The default is 0.</value>
    public double WarmupSteps { get; set; }

    /// <summary>Gets or sets the length of the stable phase.</summary>
    /// <value>Zero or more. The default is 0.</value>
    public double StableSteps { get; set; }

    /// <summary>Gets or sets the length of the decay phase.</summary>
    /// <value>Required: greater than zero.</value>
    public double DecaySteps { get; set; }

    /// <summary>Gets or sets the curve of the warmup, which rises from <c>MinRatio · PeakValue</c>.</summary>
    /// <value><see cref="AnnealShape.Linear"/>, <see cref="AnnealShape.Cosine"/> or <see cref="AnnealShape.OneMinusSqrt"/>. The default is <see cref="AnnealShape.Linear"/>.</value>
    public AnnealShape WarmupShape { get; set; } = AnnealShape.Linear;

    /// <summary>Gets or sets the curve of the decay to <c>MinRatio · PeakValue</c>.</summary>
    /// <value><see cref="AnnealShape.Linear"/>, <see cref="AnnealShape.Cosine"/> or <see cref="AnnealShape.OneMinusSqrt"/>. The default is <see cref="AnnealShape.Cosine"/>.</value>
    public AnnealShape DecayShape { get; set; } = AnnealShape.Cosine;

    /// <summary>Gets or sets the floor, as a fraction of <see cref="PeakValue"/>, that warmup starts from and decay ends at.</summary>
    /// <value>Between 0 and 1. The default is 0.</value>
    public double MinRatio { get; set; }
}
