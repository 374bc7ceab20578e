namespace BatchLr.Schedules;

/// <summary>Says how a warmup is placed in front of the schedule it warms up.</summary>
public enum WarmupMode
{
    /// <summary>
    /// The warmup is added before the schedule: the schedule's own clock starts at zero when the
    /// warmup ends, and the warmup rises to the schedule's first value (Hugging Face, timm's
    /// <c>warmup_prefix=True</c>).
    /// </summary>
    Prefix = 0,

    /// <summary>
    /// The warmup replaces the start of the schedule: the schedule keeps the global clock, and the
    /// warmup rises to the value the schedule has when the warmup ends, so the curve stays continuous.
    /// </summary>
    Overlap = 1,
}
