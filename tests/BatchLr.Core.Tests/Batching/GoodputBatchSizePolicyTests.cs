using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Batching;
using BatchLr.Feedback;

namespace BatchLr.Core.Tests.Batching;

public class GoodputBatchSizePolicyTests
{
    [Fact]
    public void Candidates_GeometricFromInitialToLargestAllowed()
    {
        // Pollux searches [M0, max]: 24 · 2^k while below the largest allowed size, 3000, and 3000 itself; nothing below 24.
        var policy = (GoodputBatchSizePolicy)BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 24, Constraints = new BatchSizeConstraints(maximum: 3000, multiple: 8) });

        policy.Candidates.Should().Equal(24, 48, 96, 192, 384, 768, 1536, 3000);
    }

    [Fact]
    public void Observe_MicroBatchLimit_SettlesOnTheTrueOptimum()
    {
        // Each micro-batch of m samples takes α + β·m = 0.05 + 0.0005·m seconds, at most 64 samples: a step of M is split
        // into A = ceil(M / 64) balanced micro-batches and takes A·α + β·M. φ = 3000, M0 = 24.
        const double Alpha = 0.05;
        const double Beta = 0.0005;
        const int Limit = 64;
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 24, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 3072) });
        var noise = new GradientNoise(1.0, 3000.0);

        int[] visited = Run(policy, 60, noise, Limit, replicas: 1, plan => (Alpha * plan.AccumulationSteps) + (Beta * plan.PerReplicaBatchSize));

        // goodput(M) = M / T(M) · 3024 / (3000 + M) over 24 · 2^k: 96 needs two micro-batches of 48 and is no faster per
        // sample than 48, while 192 runs three full ones: G(48) ≈ 643.5, G(96) ≈ 633.6, G(192) ≈ 739.4, G(384) ≈ 697.5.
        int best = Optimum(policy, noise, Limit, 1, plan => (Alpha * plan.AccumulationSteps) + (Beta * plan.PerReplicaBatchSize));
        best.Should().Be(192);

        // One interval at 24, one exploring 48 (another micro-batch size tells α from β), then the optimum for good.
        visited.Should().Equal([.. Enumerable.Repeat(24, 5), .. Enumerable.Repeat(48, 5), .. Enumerable.Repeat(192, 50)]);
    }

    [Fact]
    public void Observe_ReplicasWithSyncAndMicroBatchLimit_SettlesOnTheTrueOptimum()
    {
        // Four replicas, at most 16 samples per micro-batch: T = δ + A·α + β·B_r with δ = 0.2 (one all-reduce per step),
        // α = 0.02, β = 0.002, B_r = M / 4, A = ceil(B_r / 16). φ = 4000, M0 = 32.
        static double Seconds(BatchPlan plan) => 0.2 + (0.02 * plan.AccumulationSteps) + (0.002 * plan.PerReplicaBatchSize);
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 8192, replicas: 4) });
        var noise = new GradientNoise(1.0, 4000.0);

        int[] visited = Run(policy, 60, noise, 16, replicas: 4, Seconds);

        // The sync cost is paid once per step, so accumulating pays off up to G(1024) ≈ 796.3 (A = 16), against
        // G(512) ≈ 742.8 and G(2048) ≈ 732.5.
        int best = Optimum(policy, noise, 16, 4, Seconds);
        best.Should().Be(1024);

        // Shapes (A, B_r): 32 → (1, 8), 64 → (1, 16), both on A = 1, so 128 → (2, 32) is timed to tell δ from α.
        visited.Should().Equal([.. Enumerable.Repeat(32, 5), .. Enumerable.Repeat(64, 5), .. Enumerable.Repeat(128, 5), .. Enumerable.Repeat(1024, 45)]);
    }

    [Fact]
    public void Observe_TimingModelChanges_ForgetsTheTimingsAndExploresAgain()
    {
        // T = 0.1 + 0.001·M, then 0.8 + 0.001·M (each step 0.7 s slower); φ = 1000, M0 = 32, no micro-batch limit.
        // Before: G(M) = M / T · 1032 / (1000 + M) is best at 256. After: G(512) ≈ 266.4, G(1024) ≈ 286.2, G(2048) ≈ 243.5.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 4096) });
        var noise = new GradientNoise(1.0, 1000.0);
        double overhead = 0.1;

        int[] before = Run(policy, 50, noise, int.MaxValue, 1, plan => overhead + (0.001 * plan.GlobalBatchSize));
        overhead = 0.8;
        int[] after = Run(policy, 50, noise, int.MaxValue, 1, plan => overhead + (0.001 * plan.GlobalBatchSize));

        before.Skip(10).Should().OnlyContain(b => b == 256);
        Optimum(policy, noise, int.MaxValue, 1, plan => overhead + (0.001 * plan.GlobalBatchSize)).Should().Be(1024);

        // At 256 the model predicts 0.356 s and sees 1.056 s, an error of 197 % > 25 %: the timings are forgotten, 256 is
        // timed afresh, its nearer neighbour by ratio (512 over 128 on a tie) explored, and the new optimum taken.
        after.Should().Equal([.. Enumerable.Repeat(256, 10), .. Enumerable.Repeat(512, 5), .. Enumerable.Repeat(1024, 35)]);
    }

    [Fact]
    public void Observe_SmallTimingJitter_DoesNotReexplore()
    {
        // T = (0.1 + 0.001·M) · (1 ± 5 %), seeded: a relative error of at most 5 % stays under the 25 % threshold, so after
        // exploring 64 the policy never leaves the best size, 256, again.
        var random = new Random(5);
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 4096) });

        int[] visited = Run(policy, 400, new GradientNoise(1.0, 1000.0), int.MaxValue, 1, plan => (0.1 + (0.001 * plan.GlobalBatchSize)) * (0.95 + (0.1 * random.NextDouble())));

        visited.Skip(10).Should().OnlyContain(b => b == 256);
    }

    [Fact]
    public void Observe_NoiseDominated_TakesTheFastestCandidateWithoutNaN()
    {
        // |G|² = 0: φ = +∞, efficiency 1 at every size, so goodput is throughput M / (0.1 + 0.001·M), largest at the maximum.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 4096) });

        int[] visited = Run(policy, 20, new GradientNoise(0.0, 1000.0), int.MaxValue, 1, plan => 0.1 + (0.001 * plan.GlobalBatchSize));

        visited.Should().Equal([.. Enumerable.Repeat(32, 5), .. Enumerable.Repeat(64, 5), .. Enumerable.Repeat(4096, 10)]);
    }

    [Fact]
    public void Observe_AcrossDecisions_AllocatesNothing()
    {
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 3, Constraints = new BatchSizeConstraints(maximum: 4096, replicas: 4) });
        var noise = new GradientNoise(1.0, 1000.0);
        Run(policy, 30, noise, 64, 4, plan => 0.1 + (0.01 * plan.AccumulationSteps) + (0.001 * plan.PerReplicaBatchSize));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 300; step++)
        {
            var plan = BatchPlan.Create(policy.GetBatchSize(default), 64, 4);
            policy.Observe(new BatchFeedback(TrainingProgress.AtStep(step), plan) { MaxMicroBatchSize = 64, Noise = noise, StepSeconds = 0.1 + (0.001 * step) });
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }

    [Fact]
    public void State_Fresh_NamesEveryEntry_AllZero()
    {
        // The saved names are a checkpoint format: the flags, the fit, the residual, the nine sums and up to three timed shapes.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, Constraints = new BatchSizeConstraints(maximum: 4096) });

        AdaptiveBatchState state = policy.State;

        state.BatchSize.Should().Be(32);
        state.Values.Keys.Should().BeEquivalentTo(
            "steps_at_size", "exploring", "chosen", "fitted", "alpha", "beta", "delta", "residual_count", "residual_sum",
            "n", "sum_a", "sum_b", "sum_t", "sum_aa", "sum_ab", "sum_bb", "sum_at", "sum_bt",
            "basis_count", "basis_a0", "basis_b0", "basis_a1", "basis_b1", "basis_a2", "basis_b2");
        state.Values.Values.Should().OnlyContain(v => v == 0);
        ((GoodputBatchSizePolicy)policy).PredictSeconds(BatchPlan.Create(32, int.MaxValue)).Should().Be(double.NaN, "nothing is fitted yet");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Observe_StepTimeNotPositiveAndFinite_IsNotTimed(double? seconds)
    {
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, Constraints = new BatchSizeConstraints(maximum: 4096) });

        policy.Observe(new BatchFeedback(TrainingProgress.AtStep(1), BatchPlan.Create(32, int.MaxValue)) { StepSeconds = seconds });

        policy.State.Values["n"].Should().Be(0);
        policy.State.Values["steps_at_size"].Should().Be(1);
    }

    [Fact]
    public void Observe_PositiveStepTime_IsTimed()
    {
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, Constraints = new BatchSizeConstraints(maximum: 4096) });

        policy.Observe(new BatchFeedback(TrainingProgress.AtStep(1), BatchPlan.Create(32, int.MaxValue)) { StepSeconds = 0.25 });

        // One step of shape (A, B_r) = (1, 32) taking 0.25 s.
        policy.State.Values["n"].Should().Be(1);
        policy.State.Values["sum_b"].Should().Be(32);
        policy.State.Values["sum_t"].Should().Be(0.25);
        policy.State.Values["sum_bt"].Should().Be(8);
    }

    [Fact]
    public void Observe_DecisionWithNothingTimed_ChangesNothing()
    {
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 4096) });

        int[] visited = Run(policy, 10, new GradientNoise(1.0, 1000.0), int.MaxValue, 1, _ => double.NaN);

        visited.Should().OnlyContain(b => b == 32);
        policy.State.Values["fitted"].Should().Be(0);
        policy.State.Values["exploring"].Should().Be(0);
        policy.State.Values["chosen"].Should().Be(0);
    }

    [Fact]
    public void Observe_OneReplica_FitsAlphaAndBetaWithoutSync_AndPredictsGoodputByFormula()
    {
        // One replica, micro-batches of at most 64, candidates 64 · 1.5^k: 64 → (A, B) = (1, 64), 96 → (2, 96) (two of 48),
        // so the two timed shapes give α = 0.05 and β = 0.0005 exactly. A single replica pays no synchronisation: δ = 0, although
        // α·A + δ fits those two points too (δ = 32β ≥ 0).
        const double Alpha = 0.05;
        const double Beta = 0.0005;
        var policy = (GoodputBatchSizePolicy)BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 64, CandidateRatio = 1.5, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 4096) });

        int[] visited = Run(policy, 10, new GradientNoise(1.0, 1000.0), 64, 1, plan => (Alpha * plan.AccumulationSteps) + (Beta * plan.PerReplicaBatchSize));

        visited.Should().Equal([.. Enumerable.Repeat(64, 5), .. Enumerable.Repeat(96, 5)]);
        policy.State.Values["alpha"].Should().BeApproximately(Alpha, 1e-12);
        policy.State.Values["beta"].Should().BeApproximately(Beta, 1e-15);
        policy.State.Values["delta"].Should().Be(0);

        // 144 runs three micro-batches of 48: T = 3α + 144β = 0.222 s; goodput 144 / T · (φ + M0) / (φ + M), M0 = 64.
        var plan = BatchPlan.Create(144, 64);
        plan.AccumulationSteps.Should().Be(3);
        policy.PredictSeconds(plan).Should().BeApproximately(0.222, 1e-12);
        double expected = 144 / 0.222 * (1000.0 + 64) / (1000.0 + 144);
        policy.PredictGoodput(144, 1000.0, 64).Should().BeApproximately(expected, 1e-9 * expected);
    }

    [Fact]
    public void Observe_OneShapeTimed_KeepsTheFirstOfTheEquallyGoodFits()
    {
        // After one interval at 32, every step has (A, B) = (1, 32) and took 0.132 s: α = 0.132 alone and β = 0.132 / 32 alone
        // fit it equally well (their squared errors agree to rounding, far inside the 1e-9 tolerance). Subsets are tried
        // largest first, then by descending mask (β before α), and the first of equally good fits is kept: β.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 4096) });

        int[] visited = Run(policy, 5, new GradientNoise(1.0, 1000.0), int.MaxValue, 1, _ => 0.132);

        visited.Should().OnlyContain(b => b == 32);
        policy.State.Values["alpha"].Should().Be(0);
        policy.State.Values["beta"].Should().BeApproximately(0.132 / 32, 1e-15);
    }

    [Fact]
    public void Observe_ReplicasWithSync_FitsAlphaBetaAndDelta()
    {
        // Four replicas, at most 16 samples per micro-batch: 32, 64 and 128 run shapes (A, B_r) = (1, 8), (1, 16), (2, 32),
        // three points off one line, so T = δ + α·A + β·B_r with δ = 0.2, α = 0.02, β = 0.002 is recovered exactly.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 8192, replicas: 4) });

        int[] visited = Run(policy, 15, new GradientNoise(1.0, 4000.0), 16, 4, plan => 0.2 + (0.02 * plan.AccumulationSteps) + (0.002 * plan.PerReplicaBatchSize));

        visited.Should().Equal([.. Enumerable.Repeat(32, 5), .. Enumerable.Repeat(64, 5), .. Enumerable.Repeat(128, 5)]);
        policy.State.Values["alpha"].Should().BeApproximately(0.02, 1e-12);
        policy.State.Values["beta"].Should().BeApproximately(0.002, 1e-12);
        policy.State.Values["delta"].Should().BeApproximately(0.2, 1e-12);
    }

    [Fact]
    public void Observe_SyncFittedBelowZero_TakesTheBestFitWithoutIt()
    {
        // Same shapes, timed 0.036 s, 0.052 s and 0.106 s (no sync: α·A + β·B_r, jittered). Through the three points,
        // δ + α + 8β = 0.036, δ + α + 16β = 0.052, δ + 2α + 32β = 0.106 give δ = -0.002 < 0: refused. Of the two-term fits,
        // α·A + δ has δ = 0.044 - 0.062 = -0.018 < 0 too (the A = 1 mean, 0.044, minus the slope to 0.106 at A = 2), and
        // δ + β·B_r has a larger squared error than α·A + β·B_r, whose least-squares solution (normal equations over the
        // fifteen steps) is taken, with δ = 0.
        static double Seconds(BatchPlan plan) => plan.AccumulationSteps == 2 ? 0.106 : plan.PerReplicaBatchSize == 8 ? 0.036 : 0.052;
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 8192, replicas: 4) });

        Run(policy, 15, new GradientNoise(1.0, 4000.0), 16, 4, Seconds);

        (double A, double B, double T)[] shapes = [(1, 8, 0.036), (1, 16, 0.052), (2, 32, 0.106)];
        double aa = 5 * shapes.Sum(p => p.A * p.A), ab = 5 * shapes.Sum(p => p.A * p.B), bb = 5 * shapes.Sum(p => p.B * p.B);
        double at = 5 * shapes.Sum(p => p.A * p.T), bt = 5 * shapes.Sum(p => p.B * p.T);
        double det = (aa * bb) - (ab * ab);
        policy.State.Values["alpha"].Should().BeApproximately(((at * bb) - (ab * bt)) / det, 1e-12);
        policy.State.Values["beta"].Should().BeApproximately(((aa * bt) - (ab * at)) / det, 1e-12);
        policy.State.Values["delta"].Should().Be(0);
    }

    [Fact]
    public void Observe_TimingsFallingWithSize_FitAConstantStepTime()
    {
        // Measured 0.3 s at 32 and 0.28 s at 64 (noise): the least-squares line α + β·B has β < 0, which the model forbids;
        // of the one-term fits, α alone (mean 0.29 s, squared error 10 · 0.01²) beats β·B alone (β = ΣBT / ΣB² = 0.005375,
        // squared error 5 · (0.128² + 0.064²)). A constant step time makes the largest size the fastest per sample.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 4096) });

        int[] visited = Run(policy, 10, new GradientNoise(0.0, 1000.0), int.MaxValue, 1, plan => plan.GlobalBatchSize == 32 ? 0.3 : 0.28);

        visited.Should().Equal([.. Enumerable.Repeat(32, 5), .. Enumerable.Repeat(64, 5)]);
        policy.State.Values["alpha"].Should().BeApproximately(0.29, 1e-12);
        policy.State.Values["beta"].Should().Be(0);
        policy.GetBatchSize(default).Should().Be(4096);
    }

    [Fact]
    public void Observe_EqualGoodputAtSeveralSizes_TakesTheSmallest()
    {
        // Noise-dominated (efficiency 1), micro-batches of at most 64 samples at α + β·m each: every size that is a multiple of
        // 64 runs full micro-batches, so 192, 384, …, 3072 all have goodput 64 / (α + 64·β) to the last bit (the sizes double,
        // and so do A, B and the predicted time). 48 and 96 run micro-batches of 48, slower per sample. The smallest of the
        // best, 192, needs the least memory and is taken.
        const double Alpha = 0.05;
        const double Beta = 0.0005;
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 24, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 3072) });

        int[] visited = Run(policy, 30, new GradientNoise(0.0, 1000.0), 64, 1, plan => (Alpha * plan.AccumulationSteps) + (Beta * plan.PerReplicaBatchSize));

        visited.Should().Equal([.. Enumerable.Repeat(24, 5), .. Enumerable.Repeat(48, 5), .. Enumerable.Repeat(192, 20)]);
    }

    [Fact]
    public void Observe_ReplicasAndShapesOnOneLine_DoesNotExploreWhatTheLinePredicts()
    {
        // Two replicas, at most 16 samples per micro-batch: every size 32·A runs shape (A, B_r) = (A, 16·A), all on one line
        // through the first two timed shapes (1, 16) and (2, 32). T = δ + α·A + β·B_r = 0.2 + 0.052·A along it, which two
        // shapes determine, so after timing 32 and 64 nothing is left to explore: 128 (4, 64) is predicted, not timed.
        static double Seconds(BatchPlan plan) => 0.2 + (0.02 * plan.AccumulationSteps) + (0.002 * plan.PerReplicaBatchSize);
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 8192, replicas: 2) });
        var noise = new GradientNoise(1.0, 4000.0);

        int[] visited = Run(policy, 30, noise, 16, 2, Seconds);

        // G(M) = M / (0.2 + 0.052·M / 32) · 4032 / (4000 + M): G(256) ≈ 393.7, G(512) ≈ 443.3, G(1024) ≈ 440.9.
        int best = Optimum(policy, noise, 16, 2, Seconds);
        best.Should().Be(512);
        visited.Should().Equal([.. Enumerable.Repeat(32, 5), .. Enumerable.Repeat(64, 5), .. Enumerable.Repeat(512, 20)]);

        // Nor does a shape on the line count as a new one when it is timed: 64's own shape after its first step, or 512's.
        policy.State.Values["basis_count"].Should().Be(2);
    }

    [Theory]
    [InlineData(0.05, 512)] // G(512) / G(256) ≈ 1.097: a 9.7 % gain beats a 5 % threshold
    [InlineData(0.10, 256)] // but not a 10 % one: the chosen size is kept
    public void Observe_NoiseScaleGrows_SwitchesOnlyForAGainAboveTheThreshold(double threshold, int expected)
    {
        // T = 0.1 + 0.001·M, M0 = 32. At φ = 1000 the best is 256 (see Goodput_ConvergesToCandidateWithBestGoodputByFormula).
        // At φ = 4000, G(M) = M / T · 4032 / (4000 + M): G(256) ≈ 681.2, G(512) ≈ 747.6, G(1024) ≈ 731.2.
        static double Seconds(BatchPlan plan) => 0.1 + (0.001 * plan.GlobalBatchSize);
        static double Goodput(int m) => m / (0.1 + (0.001 * m)) * 4032.0 / (4000.0 + m);
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, SwitchThreshold = threshold, Constraints = new BatchSizeConstraints(maximum: 4096) });

        int[] before = Run(policy, 30, new GradientNoise(1.0, 1000.0), int.MaxValue, 1, Seconds);
        int[] after = Run(policy, 20, new GradientNoise(1.0, 4000.0), int.MaxValue, 1, Seconds);

        (Goodput(512) / Goodput(256)).Should().BeInRange(1.09, 1.1);
        before.Skip(10).Should().OnlyContain(b => b == 256);
        after.Skip(5).Should().OnlyContain(b => b == expected);
    }

    [Theory]
    [InlineData(0.5, 16)]    // G(48) = 1.5 · G(16) exactly: a gain equal to the threshold does not exceed it
    [InlineData(0.4375, 48)] // a threshold below the gain: switch
    public void Observe_GainExactlyTheThreshold_KeepsTheChosenSize(double threshold, int expected)
    {
        // Saved timings: ten steps of (A, B) = (1, 16) at 0.5 s and six of (1, 48) at 1 s, T = 0.25 + B / 64; every sum and
        // the scaled normal equations are exact in binary, so the fit is α = 0.25, β = 1/64 to the last bit. Noise-dominated
        // (efficiency 1): G(16) = 16 / 0.5 = 32 and G(48) = 48 / 1 = 48 = 32 · (1 + 0.5). The size 16 was chosen.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 16, CandidateRatio = 3, SwitchThreshold = threshold, UpdateInterval = 1, Constraints = new BatchSizeConstraints(maximum: 48) });
        Restore(
            policy,
            ("chosen", 1),
            ("fitted", 1),
            ("basis_count", 2),
            ("basis_a0", 1),
            ("basis_b0", 16),
            ("basis_a1", 1),
            ("basis_b1", 48),
            ("n", 16),
            ("sum_a", 16),
            ("sum_b", (10 * 16) + (6 * 48)),
            ("sum_t", (10 * 0.5) + (6 * 1.0)),
            ("sum_aa", 16),
            ("sum_ab", (10 * 16) + (6 * 48)),
            ("sum_bb", (10 * 16 * 16) + (6 * 48 * 48)),
            ("sum_at", (10 * 0.5) + (6 * 1.0)),
            ("sum_bt", (10 * 16 * 0.5) + (6 * 48 * 1.0)));

        policy.Observe(new BatchFeedback(TrainingProgress.AtStep(1), BatchPlan.Create(16, int.MaxValue)) { Noise = new GradientNoise(0.0, 1.0) });

        policy.State.Values["alpha"].Should().Be(0.25);
        policy.State.Values["beta"].Should().Be(1.0 / 64);
        policy.GetBatchSize(default).Should().Be(expected);
    }

    [Fact]
    public void Observe_NoiseScaleUnknownAfterExploring_TakesTheBestOutrightOnceKnown()
    {
        // T = 0.1 + 0.001·M. 32 is timed, 64 explored; while the noise scale is unknown no goodput can be compared, so 64 is
        // not chosen. Once φ = 1000 is known, the policy takes the best, 256, outright: a threshold of 10 (1,000 %) guards
        // only a chosen size, and G(256) ≈ 590.8 is just 56 % above G(64) ≈ 378.5.
        static double Seconds(BatchPlan plan) => 0.1 + (0.001 * plan.GlobalBatchSize);
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, SwitchThreshold = 10, Constraints = new BatchSizeConstraints(maximum: 4096) });

        int[] unknown = Run(policy, 20, GradientNoise.Unknown, int.MaxValue, 1, Seconds);

        unknown.Should().Equal([.. Enumerable.Repeat(32, 5), .. Enumerable.Repeat(64, 15)]);
        policy.State.Values["chosen"].Should().Be(0);
        int[] known = Run(policy, 10, new GradientNoise(1.0, 1000.0), int.MaxValue, 1, Seconds);
        known.Should().Equal([.. Enumerable.Repeat(64, 5), .. Enumerable.Repeat(256, 5)]);
    }

    [Fact]
    public void Observe_TimingModelChanges_ForgetsEveryTimingAndTheFit()
    {
        // As in Observe_TimingModelChanges_ForgetsTheTimingsAndExploresAgain: settled at 256, then every step 0.7 s slower.
        // The decision after five slow steps forgets: no timings, no shapes, no fit, nothing chosen or explored.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 5, Constraints = new BatchSizeConstraints(maximum: 4096) });
        var noise = new GradientNoise(1.0, 1000.0);
        Run(policy, 50, noise, int.MaxValue, 1, plan => 0.1 + (0.001 * plan.GlobalBatchSize));
        policy.State.Values["chosen"].Should().Be(1);

        Run(policy, 5, noise, int.MaxValue, 1, plan => 0.8 + (0.001 * plan.GlobalBatchSize));

        AdaptiveBatchState state = policy.State;
        state.BatchSize.Should().Be(256);
        state.Values.Values.Should().OnlyContain(v => v == 0);
        ((GoodputBatchSizePolicy)policy).PredictSeconds(BatchPlan.Create(256, int.MaxValue)).Should().Be(double.NaN);
    }

    [Theory]
    [InlineData(0.375, 2)]  // (0.375 - 0.25) / 0.25 = 0.5 exactly at both steps: an RMS of 0.5 is not above the threshold 0.5
    [InlineData(0.3751, 0)] // just above: the timings are forgotten
    public void Observe_ResidualAtTheThreshold_KeepsTheTimings(double seconds, double timed)
    {
        // A restored fit T̂ = 0.25·A predicts 0.25 s for (A, B) = (1, 32); the model counts as wrong only when the root mean
        // square of the relative errors over the interval, sqrt((0.5² + 0.5²) / 2) = 0.5 here, exceeds ResidualThreshold.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, UpdateInterval = 2, ResidualThreshold = 0.5, Constraints = new BatchSizeConstraints(maximum: 4096) });
        Restore(policy, ("fitted", 1), ("chosen", 1), ("alpha", 0.25));

        for (int step = 1; step <= 2; step++)
        {
            policy.Observe(new BatchFeedback(TrainingProgress.AtStep(step), BatchPlan.Create(32, int.MaxValue)) { Noise = new GradientNoise(1.0, 1000.0), StepSeconds = seconds });
        }

        policy.State.Values["n"].Should().Be(timed);
    }

    [Fact]
    public void RestoredModelPredictingZeroSeconds_GivesNoGoodputAndCountsNoResidual()
    {
        // α = β = δ = 0 is a valid saved fit, but a step cannot take no time: no goodput (rather than M / 0 = ∞), and no
        // relative error against a prediction of 0.
        var policy = (GoodputBatchSizePolicy)BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, Constraints = new BatchSizeConstraints(maximum: 4096) });
        Restore(policy, ("fitted", 1), ("chosen", 1));

        policy.PredictGoodput(64, 1000.0, int.MaxValue).Should().Be(double.NaN);
        policy.Observe(new BatchFeedback(TrainingProgress.AtStep(1), BatchPlan.Create(32, int.MaxValue)) { StepSeconds = 0.2 });

        policy.State.Values["n"].Should().Be(1);
        policy.State.Values["residual_count"].Should().Be(0);
        policy.State.Values["residual_sum"].Should().Be(0);
    }

    [Theory]
    [InlineData("basis_count", 3.0, "'state.Values[basis_count]' is 3; it must be at most 2, the number of terms of the step-time model.*")]
    [InlineData("exploring", 2.0, "'state.Values[exploring]' is 2; it must be 0 or 1.*")]
    [InlineData("basis_a0", 0.0, "'state.Values[basis_a0]' is 0; it must be 1 or more, a count of a timed step.*")]
    [InlineData("alpha", -1.0, "'state.Values[alpha]' is -1; it must be a finite number zero or more, as the sums and fits of measured steps are.*")]
    public void Restore_BadValue_ThrowsNamingTheEntry_AndChangesNothing(string name, double value, string message)
    {
        // One replica: the model has two terms, α and β. basis_a0 is read because basis_count is 1.
        var policy = BatchSizePolicy.Goodput(new GoodputBatchSizeOptions { InitialBatchSize = 32, Constraints = new BatchSizeConstraints(maximum: 4096) });
        AdaptiveBatchState before = policy.State;
        var values = new Dictionary<string, double>(before.Values) { ["basis_count"] = 1, ["basis_a0"] = 1, ["basis_b0"] = 32 };
        values[name] = value;

        var act = () => policy.Restore(before with { Values = values });

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state").WithMessage(message);
        policy.State.Should().Be(before);
    }

    private static void Restore(IAdaptiveBatchSizePolicy policy, params (string Name, double Value)[] changes)
    {
        var values = new Dictionary<string, double>(policy.State.Values);
        foreach (var (name, value) in changes)
        {
            values[name] = value;
        }

        policy.Restore(policy.State with { Values = values });
    }

    private static int[] Run(IAdaptiveBatchSizePolicy policy, int steps, GradientNoise noise, int limit, int replicas, Func<BatchPlan, double> seconds)
    {
        var visited = new List<int>();
        for (int step = 0; step < steps; step++)
        {
            int batch = policy.GetBatchSize(default);
            visited.Add(batch);
            var plan = BatchPlan.Create(batch, limit, replicas);
            policy.Observe(new BatchFeedback(TrainingProgress.AtStep(step), plan) { MaxMicroBatchSize = limit, Noise = noise, StepSeconds = seconds(plan) });
        }

        return [.. visited];
    }

    // The candidate of highest goodput M / T(M) · (φ + M0) / (φ + M) under the true step time.
    private static int Optimum(IAdaptiveBatchSizePolicy policy, GradientNoise noise, int limit, int replicas, Func<BatchPlan, double> seconds)
    {
        var goodput = (GoodputBatchSizePolicy)policy;
        int initial = goodput.Candidates[0];
        return goodput.Candidates.MaxBy(m => m / seconds(BatchPlan.Create(m, limit, replicas)) * (noise.NoiseScale + initial) / (noise.NoiseScale + m));
    }
}
