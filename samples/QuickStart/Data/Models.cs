using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace QuickStart.Data;

/// <summary>The samples' data and models, in one place: the QuickStart and the LrFinder train the same model on the same images.</summary>
internal static class Models
{
    /// <summary>Loads a dataset by name: <c>digits</c> (embedded) or <c>fashion-mnist</c> (Debian's IDX files, or <paramref name="dataDir"/>).</summary>
    /// <exception cref="FileNotFoundException">The files are missing; the message says how to install them.</exception>
    /// <exception cref="InvalidDataException">A file is malformed.</exception>
    public static ImageSet Load(string dataset, string? dataDir, int seed) => dataset == "fashion-mnist"
        ? FashionMnist.Load(dataDir ?? FashionMnist.DebianFolder)
        : Digits.Load(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"), seed);

    /// <summary>A small CNN for 8 × 8 digits, or the two-conv CNN for 28 × 28 Fashion-MNIST (conv 1→32, 32→64, 3×3, ReLU, max-pool; linear 3136→128→10).</summary>
    public static nn.Module<Tensor, Tensor> For(ImageSet data) => data.Name == "digits"
        ? nn.Sequential(("conv", nn.Conv2d(1, 16, 3, padding: 1)), ("relu", nn.ReLU()), ("pool", nn.MaxPool2d(2)), ("flat", nn.Flatten()),
            ("hidden", nn.Linear(16 * 4 * 4, 64)), ("relu2", nn.ReLU()), ("out", nn.Linear(64, 10)))
        : nn.Sequential(("conv1", nn.Conv2d(1, 32, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(32, 64, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)), ("flat", nn.Flatten()),
            ("hidden", nn.Linear(64 * 7 * 7, 128)), ("relu3", nn.ReLU()), ("out", nn.Linear(128, 10)));
}
