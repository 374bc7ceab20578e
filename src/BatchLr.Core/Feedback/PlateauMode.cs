namespace BatchLr.Feedback;

/// <summary>Says whether a watched metric improves by falling or by rising.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better, as for a loss.</summary>
    Min = 0,

    /// <summary>Higher is better, as for an accuracy.</summary>
    Max = 1,
}
