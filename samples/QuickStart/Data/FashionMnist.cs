using System;
using System.IO;
using System.IO.Compression;
using static TorchSharp.torch;

namespace QuickStart.Data;

/// <summary>Fashion-MNIST from its gzip IDX files (60,000 training and 10,000 test images of 28 × 28), as Debian's <c>dataset-fashion-mnist</c> installs them.</summary>
internal static class FashionMnist
{
    /// <summary>Where Debian's package installs the files.</summary>
    public const string DebianFolder = "/usr/share/datasets/fashion-mnist";

    public static ImageSet Load(string folder)
    {
        Tensor trainImages = Images(Find(folder, "train-images-idx3-ubyte"));
        Tensor trainLabels = Labels(Find(folder, "train-labels-idx1-ubyte"));
        Tensor testImages = Images(Find(folder, "t10k-images-idx3-ubyte"));
        Tensor testLabels = Labels(Find(folder, "t10k-labels-idx1-ubyte"));
        return ImageSet.Normalised(trainImages, trainLabels, testImages, testLabels, "fashion-mnist");
    }

    private static string Find(string folder, string name)
    {
        foreach (string candidate in (string[])[name + ".gz", name])
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(
            $"Fashion-MNIST's '{name}(.gz)' is not in {folder}. Install Debian's package (sudo apt-get install dataset-fashion-mnist) or pass --data-dir with the four IDX files.",
            Path.Combine(folder, name + ".gz"));
    }

    private static byte[] Read(string path, int magic, out int[] dimensions)
    {
        using Stream file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new BinaryReader(stream);
        int found = ReadBigEndian(reader);
        if (found != magic)
        {
            throw new InvalidDataException($"{path}: magic number {found:X8}; an IDX file of this kind starts with {magic:X8}.");
        }

        dimensions = new int[magic & 0xFF];
        long count = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            dimensions[i] = ReadBigEndian(reader);
            count *= dimensions[i];
        }

        byte[] data = reader.ReadBytes(checked((int)count));
        return data.Length == count ? data : throw new InvalidDataException($"{path}: {data.Length} bytes of data; its header promises {count}.");
    }

    private static Tensor Images(string path)
    {
        byte[] bytes = Read(path, 0x00000803, out int[] d);
        using Tensor raw = tensor(bytes, dtype: ScalarType.Byte);
        return raw.to_type(ScalarType.Float32).reshape(d[0], 1, d[1], d[2]) / 255f;
    }

    private static Tensor Labels(string path)
    {
        byte[] bytes = Read(path, 0x00000801, out _);
        using Tensor raw = tensor(bytes, dtype: ScalarType.Byte);
        return raw.to_type(ScalarType.Int64);
    }

    private static int ReadBigEndian(BinaryReader reader)
    {
        byte[] b = reader.ReadBytes(4);
        return b.Length == 4 ? (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3] : throw new InvalidDataException("The file ends inside its IDX header.");
    }
}
