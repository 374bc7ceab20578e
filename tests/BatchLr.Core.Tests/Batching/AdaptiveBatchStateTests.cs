using System.Collections.Generic;
using BatchLr.Batching;

namespace BatchLr.Core.Tests.Batching;

public class AdaptiveBatchStateTests
{
    private static readonly Dictionary<string, double> Values = new() { ["a"] = 1.0, ["b"] = 2.0 };

    public static IEnumerable<object?[]> Pairs() =>
    [
        // Same batch and the same names and numbers in another dictionary: equal.
        [new AdaptiveBatchState(32, Values), new AdaptiveBatchState(32, new Dictionary<string, double> { ["b"] = 2.0, ["a"] = 1.0 }), true],
        [new AdaptiveBatchState(32, Values), new AdaptiveBatchState(32, Values), true],
        [new AdaptiveBatchState(32, new Dictionary<string, double> { ["a"] = double.NaN }), new AdaptiveBatchState(32, new Dictionary<string, double> { ["a"] = double.NaN }), true],
        [new AdaptiveBatchState(32, null!), new AdaptiveBatchState(32, null!), true],

        // Any difference: not equal.
        [new AdaptiveBatchState(32, Values), null, false],
        [new AdaptiveBatchState(32, Values), new AdaptiveBatchState(64, Values), false],
        [new AdaptiveBatchState(32, Values), new AdaptiveBatchState(32, null!), false],
        [new AdaptiveBatchState(32, null!), new AdaptiveBatchState(32, Values), false],
        [new AdaptiveBatchState(32, new Dictionary<string, double> { ["a"] = 1.0 }), new AdaptiveBatchState(32, Values), false],
        [new AdaptiveBatchState(32, new Dictionary<string, double> { ["a"] = 1.0, ["c"] = 2.0 }), new AdaptiveBatchState(32, Values), false],
        [new AdaptiveBatchState(32, new Dictionary<string, double> { ["a"] = 1.0, ["b"] = 3.0 }), new AdaptiveBatchState(32, Values), false],
    ];

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Equals_ComparesBatchSizeAndEveryNamedValue(AdaptiveBatchState left, AdaptiveBatchState? right, bool expected)
    {
        left.Equals(right).Should().Be(expected);
        if (expected)
        {
            left.GetHashCode().Should().Be(right!.GetHashCode(), "equal states hash alike");
        }
    }
}
