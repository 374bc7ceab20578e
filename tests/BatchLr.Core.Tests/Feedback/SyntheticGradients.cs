using System;

namespace BatchLr.Core.Tests.Feedback;

/// <summary>
/// Draws batch-mean gradients from a known distribution: per-sample gradients are μ + ε with ε ~ N(0, diag(σ²)),
/// so the true |G|² = Σμᵢ² and tr(Σ) = Σσᵢ², and B_simple = tr(Σ) / |G|².
/// </summary>
internal sealed class SyntheticGradients(double[] mean, double[] variance, int seed)
{
    private readonly Random _random = new(seed);

    public double TrueGradientSquaredNorm
    {
        get
        {
            double sum = 0;
            foreach (double m in mean)
            {
                sum += m * m;
            }

            return sum;
        }
    }

    public double TrueTrace
    {
        get
        {
            double sum = 0;
            foreach (double v in variance)
            {
                sum += v;
            }

            return sum;
        }
    }

    /// <summary>Squared norms of the mean gradient over the first <paramref name="small"/> samples and over all <paramref name="large"/>.</summary>
    public (double Small, double Large) Draw(int small, int large)
    {
        double smallNorm = 0;
        double largeNorm = 0;
        for (int i = 0; i < mean.Length; i++)
        {
            // The mean of n samples has variance σ²/n; the large batch is the small one plus the rest.
            double smallMean = mean[i] + (Normal() * Math.Sqrt(variance[i] / small));
            double restMean = mean[i] + (Normal() * Math.Sqrt(variance[i] / (large - small)));
            double largeMean = ((small * smallMean) + ((large - small) * restMean)) / large;
            smallNorm += smallMean * smallMean;
            largeNorm += largeMean * largeMean;
        }

        return (smallNorm, largeNorm);
    }

    private double Normal()
    {
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
