using System.Collections.Generic;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules.Reactive;

/// <summary>Tests of <see cref="ReduceOnPlateauState"/>'s equality: every field counts, the learning rates element by element.</summary>
public class ReduceOnPlateauStateTests
{
    private static readonly ReduceOnPlateauState State = new([0.1, 0.2], 1.5, 2, 1, 7, 0.25, 3);

    public static TheoryData<string, ReduceOnPlateauState> OneFieldChanged => new()
    {
        { "LearningRates", State with { LearningRates = [0.1, 0.3] } },
        { "Best", State with { Best = 1.6 } },
        { "Best null", State with { Best = null } },
        { "BadReports", State with { BadReports = 3 } },
        { "CooldownLeft", State with { CooldownLeft = 0 } },
        { "Reports", State with { Reports = 8 } },
        { "LossSum", State with { LossSum = 0.5 } },
        { "LossCount", State with { LossCount = 2 } },
    };

    [Theory]
    [MemberData(nameof(OneFieldChanged))]
    public void Equals_OneFieldDiffers_IsFalse(string field, ReduceOnPlateauState other)
    {
        State.Equals(other).Should().BeFalse(field + " differs");
        other.Equals(State).Should().BeFalse(field + " differs");
    }

    [Fact]
    public void Equals_SameValuesInAnotherList_IsTrueWithTheSameHashCode()
    {
        var copy = new ReduceOnPlateauState(new List<double> { 0.1, 0.2 }, 1.5, 2, 1, 7, 0.25, 3);

        State.Equals(copy).Should().BeTrue();
        copy.GetHashCode().Should().Be(State.GetHashCode());
    }

    [Fact]
    public void Equals_Null_IsFalse()
    {
        State.Equals(null).Should().BeFalse();
    }

    [Fact]
    public void Equals_OneSideWithoutRates_IsFalseAndBothWithout_IsTrue()
    {
        // A state deserialized without learning rates has a null list: it equals only another without them.
        ReduceOnPlateauState none = State with { LearningRates = null! };

        none.Equals(State).Should().BeFalse();
        State.Equals(none).Should().BeFalse();
        none.Equals(State with { LearningRates = null! }).Should().BeTrue();
        none.GetHashCode().Should().Be((State with { LearningRates = null! }).GetHashCode());
    }
}
