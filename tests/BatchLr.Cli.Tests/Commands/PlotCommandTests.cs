using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using BatchLr.Cli.Tests.TestSupport;
using SkiaSharp;

namespace BatchLr.Cli.Tests.Commands;

/// <summary>Tests of <c>batchlr plot</c>: the files it writes and the usage it refuses.</summary>
public sealed class PlotCommandTests : CliTestBase
{
    // Hugging Face's linear schedule without warmup: lr = 1 - s / 100, from the top left of the data area to the bottom right.
    private const string Decaying = """{"lr": 1, "schedule": {"type": "linear", "num_training_steps": 100}}""";

    [Fact]
    public void Plot_Png_IsAPngOfTheRequestedSize_WithTheCurveFallingFromTheTopLeft()
    {
        string spec = Write("spec.json", Decaying);
        string png = Path.Combine(Folder, "lr.png");

        (int code, string[] lines, string error) = Run("plot", "--spec", spec, "--steps", "101", "--out", png, "--width", "600", "--height", "400");

        code.Should().Be(0);
        error.Should().BeEmpty();
        lines.Should().BeEmpty();

        // The signature, then the IHDR chunk: length 13, "IHDR", width and height big-endian.
        byte[] bytes = File.ReadAllBytes(png);
        bytes.Take(8).Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
        BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)).Should().Be(13);
        System.Text.Encoding.ASCII.GetString(bytes, 12, 4).Should().Be("IHDR");
        BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)).Should().Be(600);
        BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)).Should().Be(400);

        // The curve is the only coloured thing in the data area (axes, grid and labels are grey; the legend is in the
        // top right corner): a quarter across, where lr is about 0.8, it is in the upper half and the column is otherwise
        // free of colour; at 70 %, where lr is about 0.3, it is in the lower half and lower than at the left.
        using SKBitmap bitmap = SKBitmap.Decode(png);
        bitmap.Width.Should().Be(600);
        bitmap.Height.Should().Be(400);
        List<int> left = ColouredRows(bitmap, 150);
        List<int> right = ColouredRows(bitmap, 420);
        left.Should().NotBeEmpty().And.OnlyContain(y => y < 200, "the curve starts high");
        right.Should().NotBeEmpty().And.OnlyContain(y => y > 200, "the curve has fallen");
        right.Min().Should().BeGreaterThan(left.Max());
    }

    [Fact]
    public void Plot_Svg_IsXmlWithThePathOfTheCurve()
    {
        string spec = Write("spec.json", Decaying);
        string svg = Path.Combine(Folder, "lr.SVG");

        (int code, _, string error) = Run("plot", "--spec", spec, "--steps", "60", "--out", svg, "--width", "640", "--height", "480");

        code.Should().Be(0);
        error.Should().BeEmpty();
        XElement root = XDocument.Load(svg).Root!;
        root.Name.LocalName.Should().Be("svg");
        root.Attribute("width")!.Value.Should().Be("640");
        root.Attribute("height")!.Value.Should().Be("480");

        // A staircase through 60 steps has at least 60 vertices; the grid and the axes have far fewer.
        root.Descendants().Where(e => e.Name.LocalName == "path")
            .Select(p => p.Attribute("d")?.Value.Count(c => c == 'L') ?? 0)
            .Should().Contain(n => n >= 60);
    }

    [Fact]
    public void Plot_PlanOnSamples_WritesThePicture()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "OneCycleLR", "max_lr": 0.1, "total_steps": 30}, "batch": {"type": "linear_ramp", "start": 4, "increment": 4, "ramp_samples": 100, "target": 16}, "max_micro_batch_size": 6}""");
        string png = Path.Combine(Folder, "plan.png");

        (int code, _, string error) = Run("plot", "--spec", spec, "--steps", "30", "--x", "samples", "--out", png);

        code.Should().Be(0);
        error.Should().BeEmpty();
        using SKBitmap bitmap = SKBitmap.Decode(png);
        (bitmap.Width, bitmap.Height).Should().Be((800, 500), "the default size");
    }

    [Theory]
    [InlineData("--out", "lr.jpg", "'--out' is '")]
    [InlineData("--x", "samples", "'--x samples' needs a training plan")]
    [InlineData("--width", "50", "'--width' is '50'; it must be a whole number from 100 to 10000.")]
    [InlineData("--steps", "0", "'--steps' is '0'; a plot needs 1 or more.")]
    [InlineData("--out", "no-such-folder/lr.png", "cannot write '")]
    public void Plot_BadArguments_ExitsTwoWithoutWriting(string option, string value, string message)
    {
        string spec = Write("spec.json", Decaying);
        var args = new List<string> { "plot", "--spec", spec, "--steps", "10", "--out", Path.Combine(Folder, "lr.png") };
        int index = args.IndexOf(option);
        string resolved = option == "--out" ? Path.Combine(Folder, value) : value;
        if (index >= 0)
        {
            args[index + 1] = resolved;
        }
        else
        {
            args.AddRange([option, resolved]);
        }

        (int code, string[] lines, string error) = Run([.. args]);

        code.Should().Be(2);
        lines.Should().BeEmpty();
        error.Should().StartWith("batchlr: " + message);
        File.Exists(Path.Combine(Folder, "lr.png")).Should().BeFalse();
    }

    [Fact]
    public void Plot_EpochsWithoutDatasetSize_ExitsTwo()
    {
        string spec = Write("spec.json", """{"lr": 0.1, "schedule": {"type": "constant"}, "batch": {"type": "fixed", "batch_size": 8}}""");

        (int code, _, string error) = Run("plot", "--spec", spec, "--steps", "10", "--x", "epochs", "--out", Path.Combine(Folder, "lr.png"));

        code.Should().Be(2);
        error.Should().StartWith("batchlr: '--x epochs' needs '--dataset-size N'");
    }

    /// <summary>The rows of a column whose pixel is clearly coloured, neither white, grey nor black.</summary>
    private static List<int> ColouredRows(SKBitmap bitmap, int x)
    {
        var rows = new List<int>();
        for (int y = 0; y < bitmap.Height; y++)
        {
            SKColor c = bitmap.GetPixel(x, y);
            if (Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 60)
            {
                rows.Add(y);
            }
        }

        return rows;
    }
}
