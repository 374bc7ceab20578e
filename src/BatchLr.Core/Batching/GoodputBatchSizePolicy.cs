using System;
using System.Collections.Generic;
using System.Globalization;

namespace BatchLr.Batching;

/// <summary>
/// Picks, among geometrically spaced candidates from the initial batch up to the largest allowed size, the batch size with
/// the highest predicted goodput (Qiao et al. 2021, Pollux): <c>goodput(M) = M / T(M) · E(M)</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Efficiency.</b> <c>E(M) = (φ + M0) / (φ + M)</c>, with <c>φ</c> the gradient noise scale and <c>M0</c> the initial batch:
/// Pollux's <c>gain / scale</c>, written through <c>φ</c>. In the noise-dominated limit <c>φ = +∞</c>, <c>E = 1</c>.
/// </para>
/// <para>
/// <b>Step time.</b> A step of global batch <c>M</c> runs on <c>R</c> replicas, each accumulating <c>A</c> micro-batches of
/// sizes <c>mᵢ</c> that sum to its batch <c>B_r = M / R</c>; each micro-batch costs <c>α + β · mᵢ</c>, as Pollux models
/// compute, and a step on more than one replica pays a synchronisation <c>δ</c> once:
/// <c>T = Σᵢ (α + β · mᵢ) + δ · [R &gt; 1] = α · A + β · B_r + δ · [R &gt; 1]</c>. Pollux lets its network time overlap the
/// last micro-batch's compute (a p-norm of the two); this model adds them, which is simpler: where they overlap, the
/// fitted <c>δ</c> is the part of the synchronisation that compute does not hide.
/// <c>α, β, δ ≥ 0</c> are fitted by least squares to every timed step since the timings were last forgotten, subject to
/// non-negativity (solved exactly, by trying every subset of the terms). <c>A</c>, <c>B_r</c> and <c>R</c> of a candidate
/// come from <see cref="BatchPlan.Create(int, int, int, int)"/> with the feedback's micro-batch limit.
/// </para>
/// <para>
/// <b>Candidates.</b> <c>M0 · ratio^k</c> for <c>k = 0, 1, …</c> up to the constraints' largest allowed size, each rounded to
/// an allowed size, and that largest size: Pollux searches <c>[M0, max]</c> on a geometric grid, never below <c>M0</c>.
/// </para>
/// <para>
/// <b>Exploration.</b> The terms can only be told apart from steps of different shapes <c>(A, B_r)</c> (a step with
/// <c>R &gt; 1</c> also needs three shapes off one line to separate <c>δ</c>). At each decision, while some candidate's shape
/// is not a linear combination of the shapes timed so far, its time cannot be predicted, so the policy moves to the nearest
/// such candidate (by ratio; the larger on a tie) for one interval. When none is left every candidate's time is
/// determined by the timings, and the policy moves to the best candidate: outright after exploring, and otherwise only
/// when the gain exceeds the switch threshold.
/// </para>
/// <para>
/// <b>Re-exploration.</b> Over each interval that follows a decision not to explore, the policy accumulates the relative
/// error <c>(T - T̂) / T̂</c> of every timed step against the model fitted at that decision. When its root mean square
/// exceeds <see cref="GoodputBatchSizeOptions.ResidualThreshold"/>, the system has changed: the policy forgets every
/// timing, times the current size for one interval and explores again.
/// </para>
/// </remarks>
internal sealed class GoodputBatchSizePolicy : IAdaptiveBatchSizePolicy
{
    // Relative size of a pivot, on the unit-diagonal scaled normal equations, below which a subset of terms is singular.
    private const double SingularPivot = 1e-10;

    private static readonly string[] SumNames = ["n", "sum_a", "sum_b", "sum_t", "sum_aa", "sum_ab", "sum_bb", "sum_at", "sum_bt"];

    private readonly int _reference;
    private readonly double _threshold;
    private readonly double _residualThreshold;
    private readonly int _interval;
    private readonly int _replicas;
    private readonly int _terms;
    private readonly int[] _candidates;
    /// <summary>The most candidate sizes a grid may hold; a ratio closer to 1 than that allows is refused.</summary>
    internal const int MaxCandidates = 1000;

    private readonly long[] _basisA = new long[3];
    private readonly long[] _basisB = new long[3];

    // Sums over the timed steps of the features A, B_r and 1 and of the time T: n, ΣA, ΣB, ΣT, ΣA², ΣA·B, ΣB², ΣA·T, ΣB·T.
    private readonly double[] _sums = new double[SumNames.Length];
    private int _basisCount;
    private int _batchSize;
    private int _stepsAtSize;
    private bool _exploring;
    private bool _chosen;
    private bool _fitted;
    private double _alpha;
    private double _beta;
    private double _delta;
    private double _residualCount;
    private double _residualSum;

    public GoodputBatchSizePolicy(GoodputBatchSizeOptions options)
    {
        Constraints = options.Constraints;
        _reference = options.InitialBatchSize;
        _threshold = options.SwitchThreshold;
        _residualThreshold = options.ResidualThreshold;
        _interval = options.UpdateInterval;
        _replicas = Constraints.Replicas;
        _terms = _replicas > 1 ? 3 : 2;
        _batchSize = options.InitialBatchSize;

        var candidates = new SortedSet<int> { _reference, Constraints.HighestAllowed };
        for (double wanted = _reference * options.CandidateRatio; ; wanted *= options.CandidateRatio)
        {
            int size = Constraints.ApplyCore(wanted);
            if (size >= Constraints.HighestAllowed)
            {
                break; // the largest allowed size is in the set already
            }

            candidates.Add(size);
        }

        _candidates = [.. candidates];
    }

    public BatchSizeConstraints Constraints { get; }

    public IReadOnlyList<int> Candidates => _candidates;

    public AdaptiveBatchState State
    {
        get
        {
            var values = StateValues.New();
            values["steps_at_size"] = _stepsAtSize;
            values["exploring"] = _exploring ? 1 : 0;
            values["chosen"] = _chosen ? 1 : 0;
            values["fitted"] = _fitted ? 1 : 0;
            values["alpha"] = _alpha;
            values["beta"] = _beta;
            values["delta"] = _delta;
            values["residual_count"] = _residualCount;
            values["residual_sum"] = _residualSum;
            for (int i = 0; i < SumNames.Length; i++)
            {
                values[SumNames[i]] = _sums[i];
            }

            values["basis_count"] = _basisCount;
            for (int i = 0; i < _basisA.Length; i++)
            {
                values["basis_a" + i.ToString(CultureInfo.InvariantCulture)] = _basisA[i];
                values["basis_b" + i.ToString(CultureInfo.InvariantCulture)] = _basisB[i];
            }

            return new AdaptiveBatchState(_batchSize, values);
        }
    }

    public int GetBatchSize(in TrainingProgress progress) => _batchSize;

    /// <summary>The predicted step time of a split under the fitted model, or NaN before the first fit.</summary>
    public double PredictSeconds(in BatchPlan plan) =>
        _fitted ? (_alpha * plan.AccumulationSteps) + (_beta * plan.PerReplicaBatchSize) + _delta : double.NaN;

    /// <summary>The predicted goodput of a size, or NaN while the model or the noise scale is unknown.</summary>
    public double PredictGoodput(int batchSize, double noiseScale, int maxMicroBatchSize, int minAccumulationSteps = 1)
    {
        double seconds = PredictSeconds(BatchPlan.Create(batchSize, maxMicroBatchSize, _replicas, minAccumulationSteps));
        if (!(seconds > 0) || double.IsNaN(noiseScale))
        {
            return double.NaN;
        }

        double efficiency = double.IsPositiveInfinity(noiseScale) ? 1.0 : (noiseScale + _reference) / (noiseScale + batchSize);
        return batchSize / seconds * efficiency;
    }

    public void Observe(in BatchFeedback feedback)
    {
        BatchPlan plan = feedback.Batch;
        if (feedback.StepSeconds is { } t && double.IsFinite(t) && t > 0 && plan.AccumulationSteps >= 1)
        {
            Record(plan, t);
        }

        _stepsAtSize++;
        if (_stepsAtSize < _interval)
        {
            return;
        }

        _stepsAtSize = 0;
        Decide(feedback);
    }

    public void Report(double metric)
    {
        // Goodput is decided by throughput and the noise scale; validation metrics play no part.
    }

    public void Restore(AdaptiveBatchState state)
    {
        StateValues.CheckBatch(state, Constraints);
        int steps = StateValues.ReadCount(state, "steps_at_size");
        bool exploring = ReadFlag(state, "exploring");
        bool chosen = ReadFlag(state, "chosen");
        bool fitted = ReadFlag(state, "fitted");
        double alpha = ReadFinite(state, "alpha");
        double beta = ReadFinite(state, "beta");
        double delta = ReadFinite(state, "delta");
        double residualCount = StateValues.ReadCount(state, "residual_count");
        double residualSum = ReadFinite(state, "residual_sum");
        var sums = new double[SumNames.Length];
        for (int i = 0; i < sums.Length; i++)
        {
            sums[i] = ReadFinite(state, SumNames[i]);
        }

        int basisCount = StateValues.ReadCount(state, "basis_count");
        if (basisCount > _terms)
        {
            throw new ArgumentOutOfRangeException(nameof(state), basisCount, string.Create(CultureInfo.InvariantCulture, $"'state.Values[basis_count]' is {basisCount}; it must be at most {_terms}, the number of terms of the step-time model."));
        }

        var basisA = new long[_basisA.Length];
        var basisB = new long[_basisB.Length];
        for (int i = 0; i < basisCount; i++)
        {
            basisA[i] = ReadShape(state, "basis_a" + i.ToString(CultureInfo.InvariantCulture));
            basisB[i] = ReadShape(state, "basis_b" + i.ToString(CultureInfo.InvariantCulture));
        }

        _batchSize = state.BatchSize;
        _stepsAtSize = steps;
        (_exploring, _chosen, _fitted) = (exploring, chosen, fitted);
        (_alpha, _beta, _delta) = (alpha, beta, delta);
        (_residualCount, _residualSum) = (residualCount, residualSum);
        sums.CopyTo(_sums, 0);
        _basisCount = basisCount;
        basisA.CopyTo(_basisA, 0);
        basisB.CopyTo(_basisB, 0);
    }

    private static bool ReadFlag(AdaptiveBatchState state, string name)
    {
        int value = StateValues.ReadCount(state, name);
        if (value > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(state), value, string.Create(CultureInfo.InvariantCulture, $"'state.Values[{name}]' is {value}; it must be 0 or 1."));
        }

        return value == 1;
    }

    private static double ReadFinite(AdaptiveBatchState state, string name)
    {
        double value = StateValues.Read(state, name);
        if (!(value >= 0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(state), value, string.Create(CultureInfo.InvariantCulture, $"'state.Values[{name}]' is {value}; it must be a finite number zero or more, as the sums and fits of measured steps are."));
        }

        return value;
    }

    private static long ReadShape(AdaptiveBatchState state, string name)
    {
        int value = StateValues.ReadCount(state, name);
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(state), value, string.Create(CultureInfo.InvariantCulture, $"'state.Values[{name}]' is {value}; it must be 1 or more, a count of a timed step."));
        }

        return value;
    }

    private void Record(in BatchPlan plan, double seconds)
    {
        double a = plan.AccumulationSteps;
        double b = plan.PerReplicaBatchSize;

        // Only a size whose time the model at the last decision predicted can show that the model went wrong.
        if (_fitted && !_exploring)
        {
            double predicted = PredictSeconds(plan);
            if (predicted > 0)
            {
                double error = (seconds - predicted) / predicted;
                _residualCount++;
                _residualSum += error * error;
            }
        }

        _sums[0]++;
        _sums[1] += a;
        _sums[2] += b;
        _sums[3] += seconds;
        _sums[4] += a * a;
        _sums[5] += a * b;
        _sums[6] += b * b;
        _sums[7] += a * seconds;
        _sums[8] += b * seconds;
        if (RaisesRank(plan.AccumulationSteps, plan.PerReplicaBatchSize))
        {
            _basisA[_basisCount] = plan.AccumulationSteps;
            _basisB[_basisCount] = plan.PerReplicaBatchSize;
            _basisCount++;
        }
    }

    private void Decide(in BatchFeedback feedback)
    {
        // The sum grows only with the count, so an interval without a predicted step has sum 0 and residual 0.
        double residual = Math.Sqrt(_residualSum / Math.Max(_residualCount, 1));
        _residualCount = 0;
        _residualSum = 0;
        if (residual > _residualThreshold)
        {
            ForgetTimings();
        }

        if (_sums[0] == 0)
        {
            return; // nothing timed yet, or the timings were just forgotten
        }

        Fit();
        int maxMicro = feedback.MaxMicroBatchSize;
        int minAccumulation = feedback.MinAccumulationSteps;
        int unmeasured = NearestUnpredictable(maxMicro, minAccumulation);
        if (unmeasured != 0)
        {
            _batchSize = unmeasured;
            _exploring = true;
            _chosen = false;
            return;
        }

        _exploring = false;
        double noiseScale = feedback.Noise.NoiseScale;
        double current = PredictGoodput(_batchSize, noiseScale, maxMicro, minAccumulation);
        if (double.IsNaN(current))
        {
            return; // the noise scale is not known yet
        }

        int best = _batchSize;
        double bestGoodput = current;
        foreach (int candidate in _candidates)
        {
            double goodput = PredictGoodput(candidate, noiseScale, maxMicro, minAccumulation);
            if (goodput > bestGoodput)
            {
                best = candidate;
                bestGoodput = goodput;
            }
        }

        // A size reached by exploring was not chosen for its goodput, so the best is taken plainly;
        // the threshold only guards a size that was chosen.
        double threshold = _chosen ? _threshold : 0.0;
        if (bestGoodput > current * (1.0 + threshold))
        {
            _batchSize = best;
        }

        _chosen = true;
    }

    private void ForgetTimings()
    {
        Array.Clear(_sums);
        Array.Clear(_basisA);
        Array.Clear(_basisB);
        _basisCount = 0;
        _fitted = false;
        _exploring = false;
        _chosen = false;
        (_alpha, _beta, _delta) = (0.0, 0.0, 0.0);
    }

    // The candidate nearest the current size, by ratio (the larger on a tie), whose shape the timed shapes do not span; 0 if none.
    private int NearestUnpredictable(int maxMicroBatchSize, int minAccumulationSteps)
    {
        int nearest = 0;
        double nearestDistance = double.PositiveInfinity;
        foreach (int candidate in _candidates)
        {
            var plan = BatchPlan.Create(candidate, maxMicroBatchSize, _replicas, minAccumulationSteps);
            if (!RaisesRank(plan.AccumulationSteps, plan.PerReplicaBatchSize))
            {
                continue;
            }

            double distance = Math.Abs(Math.Log((double)candidate / _batchSize));
            if (distance <= nearestDistance)
            {
                nearest = candidate;
                nearestDistance = distance;
            }
        }

        return nearest;
    }

    // Whether the shape (a, b) is not a linear combination of the timed shapes: features (A, B_r), and 1 when R > 1.
    // Exact, in integers: shapes are whole counts.
    private bool RaisesRank(long a, long b)
    {
        if (_basisCount == 0)
        {
            return true;
        }

        if (_terms == 2)
        {
            // Two terms: (a, b) is a multiple of the one timed shape exactly when the mean micro-batch b / a is the same.
            return _basisCount == 1 && (Int128)a * _basisB[0] != (Int128)_basisA[0] * b;
        }

        return _basisCount switch
        {
            // (1, a, b) is a multiple of (1, a0, b0) only when equal.
            1 => a != _basisA[0] || b != _basisB[0],

            // Three shapes (1, aᵢ, bᵢ) are dependent exactly when the points (aᵢ, bᵢ) lie on one line.
            2 => ((Int128)(_basisA[1] - _basisA[0]) * (b - _basisB[0])) != ((Int128)(a - _basisA[0]) * (_basisB[1] - _basisB[0])),
            _ => false,
        };
    }

    // Non-negative least squares for θ = (α, β, δ) on the normal equations Gθ = r, solved exactly for so few terms:
    // the unconstrained solution of every subset of the terms, the feasible one of least squared error wins.
    private void Fit()
    {
        Span<double> gram = stackalloc double[9];
        Span<double> rhs = stackalloc double[3];
        double n = _sums[0], sumA = _sums[1], sumB = _sums[2], sumT = _sums[3];
        gram[0] = _sums[4];
        gram[1] = gram[3] = _sums[5];
        gram[4] = _sums[6];
        gram[2] = gram[6] = sumA;
        gram[5] = gram[7] = sumB;
        gram[8] = n;
        rhs[0] = _sums[7];
        rhs[1] = _sums[8];
        rhs[2] = sumT;

        Span<double> theta = stackalloc double[3];
        Span<double> best = stackalloc double[3];
        double bestObjective = double.PositiveInfinity;
        int full = (1 << _terms) - 1;

        // Larger subsets first, so among equally good fits (terms the data cannot tell apart) the first is kept.
        for (int size = _terms; size >= 1; size--)
        {
            for (int mask = full; mask >= 1; mask--)
            {
                if (System.Numerics.BitOperations.PopCount((uint)mask) != size || !SolveSubset(gram, rhs, mask, theta))
                {
                    continue;
                }

                // Squared error minus ΣT², the same for every subset: θᵀGθ - 2θᵀr, where θ solves its subset's normal
                // equations, G_SS·θ_S = r_S, so θᵀGθ = θᵀr and the objective is -θᵀr.
                double objective = -((theta[0] * rhs[0]) + (theta[1] * rhs[1]) + (theta[2] * rhs[2]));

                if (double.IsPositiveInfinity(bestObjective) || objective < bestObjective - (1e-9 * Math.Abs(bestObjective)))
                {
                    bestObjective = objective;
                    theta.CopyTo(best);
                }
            }
        }

        (_alpha, _beta, _delta) = (best[0], best[1], best[2]);
        _fitted = true;
    }

    // Solves the normal equations restricted to the terms in mask; false when singular or a coefficient is negative.
    private static bool SolveSubset(ReadOnlySpan<double> gram, ReadOnlySpan<double> rhs, int mask, Span<double> theta)
    {
        theta.Clear();
        Span<int> index = stackalloc int[3];
        int size = 0;
        for (int bits = mask; bits != 0; bits &= bits - 1)
        {
            index[size++] = System.Numerics.BitOperations.TrailingZeroCount(bits); // the lowest term left in the mask
        }

        // Scale to a unit diagonal so the pivot test is relative, then eliminate. A Gram matrix is symmetric positive
        // semidefinite, and so is every matrix left by elimination: in exact arithmetic its diagonal pivots are positive
        // while the terms are independent, and reach 0 at the first term that depends on those before it, so no row
        // exchange is needed, and the pivot itself tells a singular subset.
        Span<double> m = stackalloc double[12];
        Span<double> scale = stackalloc double[3];
        for (int r = 0; r < size; r++)
        {
            // Stryker disable once Arithmetic : any positive scales S solve the same system, θ = S·y with (SGS)·y = S·r; a scale from another positive entry only moves the rounding and the pivot test's yardstick
            scale[r] = 1.0 / Math.Sqrt(gram[(index[r] * 3) + index[r]]);
        }

        for (int r = 0; r < size; r++)
        {
            for (int c = 0; c < size; c++)
            {
                m[(r * 4) + c] = gram[(index[r] * 3) + index[c]] * scale[r] * scale[c];
            }

            m[(r * 4) + 3] = rhs[index[r]] * scale[r];
        }

        for (int col = 0; col < size; col++)
        {
            // Stryker disable once Equality : > and >= differ only at a pivot of exactly 1e-10
            if (!(m[(col * 4) + col] > SingularPivot))
            {
                // Stryker disable once Boolean : a singular subset let through keeps θ = 0, whose objective 0 every feasible fit beats (θ ≥ 0 and r > 0 make -θᵀr < 0), and which is the result anyway when no fit is feasible
                return false;
            }

            for (int r = 0; r < size; r++)
            {
                if (r == col)
                {
                    continue;
                }

                double factor = m[(r * 4) + col] / m[(col * 4) + col];
                for (int c = col; c < 4; c++)
                {
                    m[(r * 4) + c] -= factor * m[(col * 4) + c];
                }
            }
        }

        for (int r = 0; r < size; r++)
        {
            double value = m[(r * 4) + 3] / m[(r * 4) + r] * scale[r];

            // Stryker disable once Equality : a coefficient of exactly 0 makes θ the solution of the subset without that term too, tried later with the same θ and objective
            if (value < 0)
            {
                return false;
            }

            theta[index[r]] = value;
        }

        return true;
    }
}
