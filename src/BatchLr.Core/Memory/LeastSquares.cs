using System;

namespace BatchLr.Memory;

/// <summary>The ordinary least-squares line through the trials' peaks, its residual, and its prediction error, against the free memory.</summary>
internal static class LeastSquares
{
    /// <summary>Fits the line to every point; <paramref name="sizes"/> are distinct and at least two.</summary>
    public static MemoryFit Fit(ReadOnlySpan<double> sizes, ReadOnlySpan<double> bytes, double scale)
    {
        (double intercept, double slope) = Line(sizes, bytes);
        double residual = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            residual = Math.Max(residual, Math.Abs(intercept + (slope * sizes[i]) - bytes[i]));
        }

        double? prediction = null;
        for (int i = 2; i < sizes.Length; i++)
        {
            (double a, double b) = Line(sizes[..i], bytes[..i]);
            prediction = Math.Max(prediction ?? 0, Math.Abs(a + (b * sizes[i]) - bytes[i]) / scale);
        }

        return new MemoryFit(intercept, slope, residual / scale, prediction, sizes.Length);
    }

    private static (double Intercept, double Slope) Line(ReadOnlySpan<double> sizes, ReadOnlySpan<double> bytes)
    {
        int n = sizes.Length;
        double meanSize = 0;
        double meanBytes = 0;
        for (int i = 0; i < n; i++)
        {
            meanSize += sizes[i];
            meanBytes += bytes[i];
        }

        meanSize /= n;
        meanBytes /= n;
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = sizes[i] - meanSize;
            covariance += dx * (bytes[i] - meanBytes);
            variance += dx * dx;
        }

        // Sizes are distinct (each is tried once), so the variance is positive with two or more points.
        double slope = covariance / variance;
        return (meanBytes - (slope * meanSize), slope);
    }
}
