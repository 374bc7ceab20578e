using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using static TorchSharp.torch;

namespace QuickStart.Data;

/// <summary>
/// The UCI optical-digits set as scikit-learn ships it (<c>digits.csv.gz</c>, CC BY 4.0; E. Alpaydin and C. Kaynak): 1,797 images of
/// 8 × 8 pixels in 0..16, one row each, the label last. Committed next to this sample, so the first run needs nothing installed.
/// </summary>
internal static class Digits
{
    /// <summary>Reads the file and splits it into 1,500 training and 297 test images by a seeded shuffle.</summary>
    public static ImageSet Load(string path, int seed)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The embedded digits file is missing: " + path + ". It ships with the sample (samples/QuickStart/data).", path);
        }

        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select((line, n) =>
            {
                float[] values = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                return values.Length == 65 ? values : throw new InvalidDataException($"{path}, line {n + 1}: {values.Length} values; a row holds 64 pixels and a label.");
            })
            .ToArray();

        int[] order = Enumerable.Range(0, rows.Length).ToArray();
        new Random(seed).Shuffle(order);
        const int Train = 1500;
        Tensor Images(int[] pick) => tensor(pick.SelectMany(i => rows[i].Take(64)).ToArray()).reshape(pick.Length, 1, 8, 8);
        Tensor Labels(int[] pick) => tensor(pick.Select(i => (long)rows[i][64]).ToArray());
        int[] train = order[..Train], test = order[Train..];
        return ImageSet.Normalised(Images(train), Labels(train), Images(test), Labels(test), "digits");
    }
}
