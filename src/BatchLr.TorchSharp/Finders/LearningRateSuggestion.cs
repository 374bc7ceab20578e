using System;

namespace BatchLr.TorchSharp;

/// <summary>Holds a learning rate suggested from a range test's curve, and the curve point the rule picked.</summary>
public readonly struct LearningRateSuggestion : IEquatable<LearningRateSuggestion>
{
    internal LearningRateSuggestion(int index, double learningRate)
    {
        Index = index;
        LearningRate = learningRate;
    }

    /// <summary>Gets the index, in <see cref="LearningRateFinderResult.LearningRates"/>, of the curve point the rule picked.</summary>
    public int Index { get; }

    /// <summary>Gets the suggested learning rate: that point's learning rate, or a tenth of it for <see cref="LearningRateFinderResult.MinimumOverTen"/>.</summary>
    public double LearningRate { get; }

    /// <inheritdoc />
    public bool Equals(LearningRateSuggestion other) => Index == other.Index && LearningRate.Equals(other.LearningRate);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is LearningRateSuggestion other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Index, LearningRate);

    /// <summary>Determines whether two suggestions are equal.</summary>
    /// <param name="left">The first suggestion.</param>
    /// <param name="right">The second suggestion.</param>
    /// <returns><see langword="true"/> when the index and the learning rate agree.</returns>
    public static bool operator ==(LearningRateSuggestion left, LearningRateSuggestion right) => left.Equals(right);

    /// <summary>Determines whether two suggestions differ.</summary>
    /// <param name="left">The first suggestion.</param>
    /// <param name="right">The second suggestion.</param>
    /// <returns><see langword="true"/> when the index or the learning rate differs.</returns>
    public static bool operator !=(LearningRateSuggestion left, LearningRateSuggestion right) => !left.Equals(right);
}
