using System;
using System.Collections.Generic;

namespace BatchLr.Batching;

/// <summary>
/// Picks, among geometrically spaced candidates, the batch size with the highest predicted goodput
/// (Qiao et al. 2021, Pollux): <c>goodput(M) = M / T(M) · (φ + M0) / (φ + M)</c>, where <c>T(M) = α + β·M</c> is the
/// step time fitted by least squares to the measured steps and <c>φ</c> is the gradient noise scale.
/// </summary>
/// <remarks>
/// Until two different sizes have been timed the model cannot be fitted, so after one interval at the first size the
/// policy tries the next larger candidate, and at the next decision takes the best candidate outright. After that it
/// switches only when the predicted gain exceeds the threshold.
/// </remarks>
internal sealed class GoodputBatchSizePolicy : IAdaptiveBatchSizePolicy
{
    private readonly int _reference;
    private readonly double _threshold;
    private readonly int _interval;
    private readonly int[] _candidates;
    private int _batchSize;
    private int _stepsAtSize;
    private bool _exploring;
    private double _n;
    private double _sumM;
    private double _sumT;
    private double _sumMM;
    private double _sumMT;

    public GoodputBatchSizePolicy(GoodputBatchSizeOptions options)
    {
        Constraints = options.Constraints;
        _reference = options.InitialBatchSize;
        _threshold = options.SwitchThreshold;
        _interval = options.UpdateInterval;
        _batchSize = options.InitialBatchSize;
        var candidates = new SortedSet<int>();
        for (int k = -8; k <= 8; k++)
        {
            double wanted = options.InitialBatchSize * Math.Pow(options.CandidateRatio, k);
            if (wanted >= Constraints.LowestAllowed / options.CandidateRatio && wanted <= Constraints.HighestAllowed * options.CandidateRatio)
            {
                candidates.Add(Constraints.ApplyCore(wanted));
            }
        }

        candidates.Add(_batchSize);
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
            values["n"] = _n;
            values["sum_m"] = _sumM;
            values["sum_t"] = _sumT;
            values["sum_mm"] = _sumMM;
            values["sum_mt"] = _sumMT;
            return new AdaptiveBatchState(_batchSize, values);
        }
    }

    public int GetBatchSize(in TrainingProgress progress) => _batchSize;

    /// <summary>The predicted goodput of a size, or NaN while the model or the noise scale is unknown.</summary>
    public double PredictGoodput(int batchSize, double noiseScale)
    {
        double spread = (_n * _sumMM) - (_sumM * _sumM);
        if (!(spread > 0) || !(noiseScale > 0))
        {
            return double.NaN;
        }

        double beta = ((_n * _sumMT) - (_sumM * _sumT)) / spread;
        double alpha = (_sumT - (beta * _sumM)) / _n;
        double seconds = Math.Max(alpha, 0) + (Math.Max(beta, 0) * batchSize);
        if (!(seconds > 0))
        {
            return double.NaN;
        }

        double efficiency = (noiseScale + _reference) / (noiseScale + batchSize);
        return batchSize / seconds * efficiency;
    }

    public void Observe(in BatchFeedback feedback)
    {
        if (feedback.StepSeconds is { } t && double.IsFinite(t) && t > 0)
        {
            double m = feedback.BatchSize;
            _n++;
            _sumM += m;
            _sumT += t;
            _sumMM += m * m;
            _sumMT += m * t;
        }

        _stepsAtSize++;
        if (_stepsAtSize < _interval)
        {
            return;
        }

        _stepsAtSize = 0;
        double noiseScale = feedback.Noise.NoiseScale;
        double current = PredictGoodput(_batchSize, noiseScale);
        if (double.IsNaN(current))
        {
            if ((_n * _sumMM) - (_sumM * _sumM) <= 0 && _n > 0)
            {
                _batchSize = Neighbour(_batchSize); // explore a second size so the model can be fitted
                _exploring = true;
            }

            return;
        }

        // Right after exploring, the size was not chosen for its goodput, so pick the best plainly;
        // the threshold only guards a size that was chosen.
        double threshold = _exploring ? 0.0 : _threshold;
        _exploring = false;

        int best = _batchSize;
        double bestGoodput = current;
        foreach (int candidate in _candidates)
        {
            double goodput = PredictGoodput(candidate, noiseScale);
            if (goodput > bestGoodput)
            {
                best = candidate;
                bestGoodput = goodput;
            }
        }

        if (bestGoodput > current * (1.0 + threshold))
        {
            _batchSize = best;
        }
    }

    public void Report(double metric)
    {
        // Goodput is decided by throughput and the noise scale; validation metrics play no part.
    }

    public void Restore(AdaptiveBatchState state)
    {
        StateValues.CheckBatch(state, Constraints);
        int steps = StateValues.ReadCount(state, "steps_at_size");
        int exploring = StateValues.ReadCount(state, "exploring");
        double n = StateValues.ReadCount(state, "n");
        double sumM = StateValues.Read(state, "sum_m");
        double sumT = StateValues.Read(state, "sum_t");
        double sumMM = StateValues.Read(state, "sum_mm");
        double sumMT = StateValues.Read(state, "sum_mt");
        foreach ((string name, double value) in new[] { ("sum_m", sumM), ("sum_t", sumT), ("sum_mm", sumMM), ("sum_mt", sumMT) })
        {
            if (!double.IsFinite(value) || (value < 0 && name != "sum_mt"))
            {
                throw new ArgumentOutOfRangeException(nameof(state), value, "'state.Values[" + name + "]' is " + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; it must be a finite sum of measured steps.");
            }
        }

        _batchSize = state.BatchSize;
        _exploring = exploring != 0;
        _stepsAtSize = steps;
        (_n, _sumM, _sumT, _sumMM, _sumMT) = (n, sumM, sumT, sumMM, sumMT);
    }

    private int Neighbour(int size)
    {
        int index = Array.BinarySearch(_candidates, size);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return index + 1 < _candidates.Length ? _candidates[index + 1] : (index > 0 ? _candidates[index - 1] : size);
    }
}
