namespace BatchLr;

/// <summary>Names the unit in which a schedule measures training progress.</summary>
public enum ProgressClock
{
    /// <summary>Optimizer steps taken. The default clock.</summary>
    Steps = 0,

    /// <summary>Training samples consumed; survives changes of the batch size.</summary>
    Samples = 1,

    /// <summary>Tokens consumed, as large-language-model pre-training counts progress.</summary>
    Tokens = 2,

    /// <summary>Passes over the dataset, fractional within an epoch.</summary>
    Epochs = 3,
}
