namespace BatchLr.Memory;

/// <summary>Describes the straight line fitted to the trials' peak memory: a fixed cost plus a cost per sample of the micro-batch.</summary>
/// <param name="FixedBytes">The intercept: the bytes a step needs beyond the memory in use before the selection, at a micro-batch of 0 (optimizer state, gradients, workspaces).</param>
/// <param name="BytesPerSample">The slope: the bytes each sample of the micro-batch adds (activations kept for the backward pass).</param>
/// <param name="Residual">The largest error of the line at a trial it was fitted to, as a fraction of the free memory when the selection began.</param>
/// <param name="PredictionError">The largest error, as a fraction of the same free memory, of a trial's peak as predicted by the line through the trials before it; <see langword="null"/> when no trial had two before it.</param>
/// <param name="Points">The trials the line was fitted to.</param>
/// <remarks>
/// <para>
/// With <c>b_i</c> the micro-batch of trial <c>i</c> (in the order they ran), <c>y_i = peak_i - used_0</c> its peak above the
/// bytes in use before the first trial, and <c>free_0</c> the free bytes then, the line
/// <c>y = FixedBytes + BytesPerSample · b</c> minimizes <c>Σ (y_i - FixedBytes - BytesPerSample · b_i)²</c> (ordinary least
/// squares); <c>Residual = max_i |FixedBytes + BytesPerSample · b_i - y_i| / free_0</c>; and
/// <c>PredictionError = max_{i ≥ 3} |line_{&lt;i}(b_i) - y_i| / free_0</c>, where <c>line_{&lt;i}</c> is the least-squares
/// line through the trials before <c>i</c>.
/// </para>
/// <para>
/// Both are measured against the free memory so they read in the unit of <see cref="MicroBatchSelectionOptions.Headroom"/>: a
/// line off by a fraction <c>r</c> of the free memory can misjudge the chosen size's peak by about as much.
/// <see cref="MicroBatchSelectionOptions.MaxFitError"/> bounds both. The prediction error is the one that catches a jump:
/// when the trials sit in two groups (small probes, then sizes near the answer), a line fits both groups closely however
/// memory behaves in between, but the line through the probes misses the first trial near the answer.
/// </para>
/// </remarks>
public sealed record MemoryFit(double FixedBytes, double BytesPerSample, double Residual, double? PredictionError, int Points)
{
    /// <summary>Returns the bytes the line predicts a step at a micro-batch needs beyond the memory in use before the selection.</summary>
    /// <param name="microBatchSize">The micro-batch.</param>
    /// <returns><c>FixedBytes + BytesPerSample · microBatchSize</c>.</returns>
    public double PredictBytes(int microBatchSize) => FixedBytes + (BytesPerSample * microBatchSize);
}
