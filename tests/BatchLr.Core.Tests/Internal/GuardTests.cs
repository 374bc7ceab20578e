using System;
using System.Collections.Generic;
using BatchLr.Internal;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Internal;

/// <summary>The list checks of <see cref="Guard"/>: a null list is an <see cref="ArgumentNullException"/> naming it, not a <see cref="NullReferenceException"/>.</summary>
public class GuardTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SortedFinite_Null_ThrowsArgumentNullNamingTheList(bool allowEmpty)
    {
        IReadOnlyList<double>? milestones = null;

        var act = () => Guard.SortedFinite(milestones, allowEmpty);

        act.Should().Throw<ArgumentNullException>().WithParameterName("milestones");
    }

    [Theory]
    [InlineData(-1.0, "-1")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void SortedFinite_NegativeOrNotFinite_ThrowsNamingTheItemAndItsValue(double bad, string shown)
    {
        double[] milestones = [0.0, bad];

        var act = () => Guard.SortedFinite(milestones, allowEmpty: false);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("milestones[1]")
            .WithMessage($"'milestones[1]' is {shown}; it must be a finite number zero or more.*");
    }

    [Fact]
    public void SortedFinite_Tie_ThrowsNamingTheItemItsValueAndTheValueBeforeIt()
    {
        double[] milestones = [0.0, 2.5, 2.5];

        var act = () => Guard.SortedFinite(milestones, allowEmpty: false);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("milestones[2]")
            .WithMessage("'milestones[2]' is 2.5; it must be greater than the value before it, 2.5.*")
            .Which.ActualValue.Should().Be(2.5);
    }

    [Fact]
    public void SortedFinite_StrictlyAscending_ReturnsACopy()
    {
        var milestones = new List<double> { 0.0, 1.0, 2.5 };

        double[] copy = Guard.SortedFinite(milestones, allowEmpty: false);
        milestones[0] = 9.0;

        copy.Should().Equal(0.0, 1.0, 2.5);
    }

    [Fact]
    public void NonEmptyCopy_Null_ThrowsArgumentNullNamingTheList()
    {
        var act = () => Guard.NonEmptyCopy<LearningRateSchedule>(null, "schedules", "at least one schedule");

        act.Should().Throw<ArgumentNullException>().WithParameterName("schedules");
    }

    [Fact]
    public void NonEmptyCopy_Empty_ThrowsWithTheRuleCompletingTheSentence()
    {
        var act = () => Guard.NonEmptyCopy<LearningRateSchedule>([], "schedules", "at least one schedule");

        act.Should().Throw<ArgumentException>().WithParameterName("schedules")
            .WithMessage("'schedules' is empty; it must hold at least one schedule. (Parameter 'schedules')");
    }
}
