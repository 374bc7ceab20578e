using System;
using TorchSharp;
using static TorchSharp.torch;

namespace QuickStart.Data;

/// <summary>Images (N × 1 × H × W, normalised to mean 0 and standard deviation 1 over the training set) and their labels (N, int64).</summary>
internal sealed record ImageSet(Tensor TrainImages, Tensor TrainLabels, Tensor TestImages, Tensor TestLabels, string Name) : IDisposable
{
    public void Dispose()
    {
        TrainImages.Dispose();
        TrainLabels.Dispose();
        TestImages.Dispose();
        TestLabels.Dispose();
    }

    /// <summary>Normalises both splits with the training split's mean and standard deviation.</summary>
    public static ImageSet Normalised(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels, string name)
    {
        using Tensor mean = trainImages.mean();
        using Tensor std = trainImages.std();
        return new ImageSet((trainImages - mean) / std, trainLabels, (testImages - mean) / std, testLabels, name);
    }
}
