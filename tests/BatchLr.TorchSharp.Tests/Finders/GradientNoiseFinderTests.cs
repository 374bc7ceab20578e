using System;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Feedback;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp.Tests.Finders;

public class GradientNoiseFinderTests
{
    // Both sides compute in float64 and differ only in summation order; the trace estimate divides a difference of
    // squared norms that are far apart here (b = 4 against B = 32), so 1e-9 relative leaves a wide margin.
    private const double Tolerance = 1e-9;

    [Fact]
    public void Measure_LinearRegression_MatchesClosedFormPerSampleGradients()
    {
        const int M = 4, K = 8, Steps = 6;
        const double Decay = 0.5;
        using var problem = new LinearProblem(seed: 21, samples: M * K * Steps);
        var options = new GradientNoiseFinderOptions { MicroBatchSize = M, MicroBatches = K, Steps = Steps, Decay = Decay };

        var measurement = GradientNoiseFinder.Measure(problem.Model, problem.MicroBatchLoss(M, K), options);

        // Per step: |g_b|² of the first micro-batch's mean per-sample gradient, |g_B|² of the mean over all K · M samples.
        double gradientAverage = 0, traceAverage = 0;
        for (int step = 0; step < Steps; step++)
        {
            int first = step * K * M;
            double small = SquaredNorm(problem.MeanGradient(first, M));
            double large = SquaredNorm(problem.MeanGradient(first, K * M));
            var statistics = measurement.Statistics[step];
            statistics.SmallBatchSize.Should().Be(M);
            statistics.LargeBatchSize.Should().Be(K * M);
            statistics.SmallBatchSquaredNorm.Should().BeApproximately(small, small * Tolerance);
            statistics.LargeBatchSquaredNorm.Should().BeApproximately(large, large * Tolerance);

            // McCandlish et al. (2018), Appendix A, then the estimator's moving averages.
            double b = M, big = K * M;
            double gradient = ((big * large) - (b * small)) / (big - b);
            double trace = (small - large) / ((1 / b) - (1 / big));
            gradientAverage = (Decay * gradientAverage) + ((1 - Decay) * gradient);
            traceAverage = (Decay * traceAverage) + ((1 - Decay) * trace);
        }

        double correction = 1 - Math.Pow(Decay, Steps);
        double expectedGradient = gradientAverage / correction, expectedTrace = traceAverage / correction;
        expectedGradient.Should().BePositive("the premise: no clamping");
        measurement.Noise.GradientSquaredNorm.Should().BeApproximately(expectedGradient, expectedGradient * Tolerance);
        measurement.Noise.CovarianceTrace.Should().BeApproximately(expectedTrace, expectedTrace * Tolerance);
        measurement.NoiseScale.Should().BeApproximately(expectedTrace / expectedGradient, expectedTrace / expectedGradient * 1e-8);
    }

    [Fact]
    public void Measure_ManySteps_EstimatesThePopulationsGradientAndCovariance()
    {
        const int M = 4, K = 8, Steps = 200;
        using var problem = new LinearProblem(seed: 22, samples: M * K * Steps);
        var options = new GradientNoiseFinderOptions { MicroBatchSize = M, MicroBatches = K, Steps = Steps };

        var measurement = GradientNoiseFinder.Measure(problem.Model, problem.MicroBatchLoss(M, K), options);

        // Over the 6,400 samples the steps draw from: |G|² of the mean per-sample gradient, tr(Σ) = mean |g_n - G|².
        // The estimates are unbiased for draws with replacement; these are disjoint draws, and 200 steps of b = 4 leave a
        // statistical error of a few percent, so 15% is a bound this seeded draw meets with room, not a precision claim.
        double[] mean = problem.MeanGradient(0, M * K * Steps);
        double trace = Enumerable.Range(0, M * K * Steps).Average(n => SquaredNorm(problem.SampleGradient(n).Zip(mean, (g, G) => g - G).ToArray()));
        measurement.Noise.GradientSquaredNorm.Should().BeApproximately(SquaredNorm(mean), SquaredNorm(mean) * 0.15);
        measurement.Noise.CovarianceTrace.Should().BeApproximately(trace, trace * 0.15);
    }

    [Fact]
    public void Measure_SuggestsTheAllowedSizeNearestTheNoiseScale()
    {
        const int M = 2, K = 8, Steps = 40;
        using var problem = new LinearProblem(seed: 23, samples: M * K * Steps, noise: 8.0);
        var constraints = new BatchSizeConstraints(minimum: 8, maximum: 4096, multiple: 8);
        var options = new GradientNoiseFinderOptions { MicroBatchSize = M, MicroBatches = K, Steps = Steps, Constraints = constraints };

        var measurement = GradientNoiseFinder.Measure(problem.Model, problem.MicroBatchLoss(M, K), options);

        double scale = measurement.NoiseScale;
        double eighths = scale / 8;
        scale.Should().BeInRange(8, 4096, "the premise: the bounds do not decide");
        Math.Abs(eighths - Math.Floor(eighths) - 0.5).Should().BeGreaterThan(1e-6, "the premise: not a tie");
        measurement.SuggestedBatchSize.Should().Be(8 * (int)Math.Round(eighths));
    }

    [Fact]
    public void Measure_IdenticalSamples_SuggestsTheSmallestBatch()
    {
        const int M = 2, K = 4;
        using var problem = new LinearProblem(seed: 24, samples: M * K, identical: true);
        var options = new GradientNoiseFinderOptions { MicroBatchSize = M, MicroBatches = K, Steps = 1 };

        var measurement = GradientNoiseFinder.Measure(problem.Model, problem.MicroBatchLoss(M, K), options);

        // Every per-sample gradient is the same: tr(Σ) = 0 up to rounding, so B_simple ≈ 0 and the lowest allowed size, 1.
        measurement.Noise.GradientSquaredNorm.Should().BePositive();
        measurement.NoiseScale.Should().BeLessThan(1e-9);
        measurement.SuggestedBatchSize.Should().Be(1);
    }

    [Fact]
    public void Measure_LeavesTheWeightsAndClearsTheGradients()
    {
        const int M = 3, K = 3;
        using var problem = new LinearProblem(seed: 25, samples: M * K * 2);
        byte[]?[] before = [.. problem.Model.parameters().Select(p => TrainingState.Bits(p))];

        GradientNoiseFinder.Measure(problem.Model, problem.MicroBatchLoss(M, K), new GradientNoiseFinderOptions { MicroBatchSize = M, MicroBatches = K, Steps = 2 });

        problem.Model.parameters().Select(p => TrainingState.Bits(p)).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        problem.Model.parameters().Should().AllSatisfy(p => p.grad.Should().BeNull());
    }

    [Fact]
    public void Measure_LossThrows_RethrowsAndClearsTheGradients()
    {
        const int M = 3, K = 3;
        using var problem = new LinearProblem(seed: 26, samples: M * K * 2);
        var failure = new InvalidOperationException("loader broke");
        var loss = problem.MicroBatchLoss(M, K);

        var act = () => GradientNoiseFinder.Measure(
            problem.Model,
            (step, micro) => step == 1 && micro == 2 ? throw failure : loss(step, micro),
            new GradientNoiseFinderOptions { MicroBatchSize = M, MicroBatches = K, Steps = 2 });

        act.Should().Throw<InvalidOperationException>().Which.Should().BeSameAs(failure);
        problem.Model.parameters().Should().AllSatisfy(p => p.grad.Should().BeNull());
    }

    [Fact]
    public void Measure_BrokenOptions_ListsEveryBrokenRule()
    {
        using var problem = new LinearProblem(seed: 27, samples: 4);
        var options = new GradientNoiseFinderOptions { MicroBatchSize = 0, MicroBatches = 1, Steps = 0, Decay = 1, Constraints = null! };

        var act = () => GradientNoiseFinder.Measure(problem.Model, (s, i) => throw new InvalidOperationException("never called"), options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("*'options.MicroBatchSize' is 0; it must be 1 or more*")
            .WithMessage("*'options.MicroBatches' is 1; it must be 2 or more*")
            .WithMessage("*'options.Steps' is 0; it must be 1 or more*")
            .WithMessage("*'options.Decay' is 1; it must be from 0 up to, not including, 1*")
            .WithMessage("*'options.Constraints' is null; it must be set*");
    }

    [Fact]
    public void Measure_LargeBatchBeyondInt_IsRefused()
    {
        using var problem = new LinearProblem(seed: 28, samples: 4);
        var options = new GradientNoiseFinderOptions { MicroBatchSize = (int.MaxValue / 2) + 1, MicroBatches = 2, Steps = 1 };

        var act = () => GradientNoiseFinder.Measure(problem.Model, (s, i) => throw new InvalidOperationException("never called"), options);

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("*'options.MicroBatches' is 2; it must be small enough that MicroBatches · MicroBatchSize fits in an int*");
    }

    [Fact]
    public void Measure_FrozenModel_IsRefused()
    {
        using var problem = new LinearProblem(seed: 29, samples: 4);
        foreach (var parameter in problem.Model.parameters())
        {
            parameter.requires_grad = false;
        }

        var act = () => GradientNoiseFinder.Measure(problem.Model, (s, i) => throw new InvalidOperationException("never called"), new GradientNoiseFinderOptions { MicroBatchSize = 2, MicroBatches = 2, Steps = 1 });

        act.Should().Throw<ArgumentException>().WithParameterName("model");
    }

    private static double SquaredNorm(double[] vector) => vector.Sum(v => v * v);

    /// <summary>y = x·w* + b* + noise in float64, fitted by a linear model whose per-sample gradients are 2·r·(x, 1), r = w·x + b - y.</summary>
    private sealed class LinearProblem : IDisposable
    {
        private const int Features = 3;
        private readonly Tensor _x;
        private readonly Tensor _y;
        private readonly double[] _xs;
        private readonly double[] _ys;

        public LinearProblem(int seed, int samples, double noise = 0.5, bool identical = false)
        {
            random.manual_seed(seed);
            Model = nn.Linear(Features, 1, dtype: ScalarType.Float64);
            using var row = randn(1, Features, dtype: ScalarType.Float64);
            _x = identical ? row.expand(samples, Features).contiguous() : randn(samples, Features, dtype: ScalarType.Float64);
            using var w = tensor(new[] { 2.0, -1.0, 0.5 }, dtype: ScalarType.Float64).reshape(Features, 1);
            using var epsilon = identical ? zeros(samples, 1, dtype: ScalarType.Float64) : randn(samples, 1, dtype: ScalarType.Float64);
            _y = _x.matmul(w) + 1.0 + (noise * epsilon);
            _xs = _x.data<double>().ToArray();
            _ys = _y.data<double>().ToArray();
        }

        public Linear Model { get; }

        public Func<int, int, Tensor> MicroBatchLoss(int microBatchSize, int microBatches) => (step, micro) =>
        {
            long start = ((long)step * microBatches + micro) * microBatchSize;
            return nn.functional.mse_loss(Model.forward(_x.narrow(0, start, microBatchSize)), _y.narrow(0, start, microBatchSize));
        };

        public double[] SampleGradient(int n)
        {
            double[] w = Model.weight.data<double>().ToArray();
            double b = Model.bias!.data<double>().ToArray()[0];
            double r = b - _ys[n];
            for (int j = 0; j < Features; j++)
            {
                r += w[j] * _xs[(n * Features) + j];
            }

            var gradient = new double[Features + 1];
            for (int j = 0; j < Features; j++)
            {
                gradient[j] = 2 * r * _xs[(n * Features) + j];
            }

            gradient[Features] = 2 * r;
            return gradient;
        }

        public double[] MeanGradient(int first, int count)
        {
            var mean = new double[Features + 1];
            for (int n = first; n < first + count; n++)
            {
                double[] g = SampleGradient(n);
                for (int j = 0; j < mean.Length; j++)
                {
                    mean[j] += g[j] / count;
                }
            }

            return mean;
        }

        public void Dispose()
        {
            Model.Dispose();
            _x.Dispose();
            _y.Dispose();
        }
    }

    [Fact]
    public void Measure_WithALogger_LogsTheMeasurementAsEvent101()
    {
        using var problem = new LinearProblem(seed: 5, samples: 4 * 2 * 3);
        var logger = new BatchLr.Core.Tests.TestSupport.CollectingLogger();

        var measurement = GradientNoiseFinder.Measure(problem.Model, problem.MicroBatchLoss(4, 2), new GradientNoiseFinderOptions { MicroBatchSize = 4, MicroBatches = 2, Steps = 3, Logger = logger });

        var entry = logger.Entries.Should().ContainSingle().Subject;
        entry.Id.Id.Should().Be(101);
        entry.Values["Steps"].Should().Be(3);
        entry.Values["SuggestedBatchSize"].Should().Be(measurement.SuggestedBatchSize);
    }
}
