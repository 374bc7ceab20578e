namespace BatchLr.TorchSharp;

/// <summary>Specifies how a learning-rate range test spaces its learning rates from the start to the end.</summary>
public enum LearningRateSweepMode
{
    /// <summary>Evenly on a log scale: <c>lr_i = start · (end / start)^(i / (n - 1))</c>; the default of fastai's <c>lr_find</c> and Lightning's <c>mode="exponential"</c>.</summary>
    Exponential,

    /// <summary>Evenly: <c>lr_i = start + (end - start) · i / (n - 1)</c>; Lightning's <c>mode="linear"</c>.</summary>
    Linear,
}
