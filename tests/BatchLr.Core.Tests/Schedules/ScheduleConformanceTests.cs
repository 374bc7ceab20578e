using System;
using System.Collections.Generic;
using System.Linq;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules;

/// <summary>Says how a schedule's values move as the position grows.</summary>
public enum Monotonicity
{
    /// <summary>No ordering is promised.</summary>
    None,

    /// <summary>Never rises.</summary>
    NonIncreasing,

    /// <summary>Never falls.</summary>
    NonDecreasing,
}

/// <summary>
/// The contract every closed-form schedule must keep (DESIGN.md principle 1): random access equals
/// sequential evaluation bit for bit, repeated evaluation is identical, values are finite and within
/// the declared bounds, monotone where declared, evaluation allocates nothing, and bad positions are refused.
/// </summary>
public abstract class ScheduleConformanceTests
{
    /// <summary>Gets the length of the interesting part of the schedule; positions are sampled to several times this.</summary>
    protected virtual double Horizon => 100;

    /// <summary>Gets the smallest value the schedule may take.</summary>
    protected abstract double LowerBound { get; }

    /// <summary>Gets the largest value the schedule may take.</summary>
    protected abstract double UpperBound { get; }

    /// <summary>Gets how the schedule moves.</summary>
    protected virtual Monotonicity Monotonicity => Monotonicity.None;

    /// <summary>Creates a representative schedule of the family under test.</summary>
    protected abstract LearningRateSchedule Create();

    [Fact]
    public void Evaluate_ShuffledPositions_EqualSequentialBitForBit()
    {
        double[] positions = Positions();
        LearningRateSchedule sequential = Create();
        double[] expected = positions.Select(sequential.Evaluate).ToArray();

        LearningRateSchedule random = Create();
        int[] order = Enumerable.Range(0, positions.Length).ToArray();
        new Random(12345).Shuffle(order);
        var actual = new double[positions.Length];
        foreach (int i in order)
        {
            actual[i] = random.Evaluate(positions[i]);
        }

        for (int i = 0; i < positions.Length; i++)
        {
            BitConverter.DoubleToInt64Bits(actual[i]).Should().Be(BitConverter.DoubleToInt64Bits(expected[i]), "position {0} must not depend on the order of evaluation", positions[i]);
        }
    }

    [Fact]
    public void Evaluate_Repeated_GivesIdenticalResults()
    {
        LearningRateSchedule schedule = Create();
        foreach (double position in Positions())
        {
            double first = schedule.Evaluate(position);
            for (int k = 0; k < 3; k++)
            {
                BitConverter.DoubleToInt64Bits(schedule.Evaluate(position)).Should().Be(BitConverter.DoubleToInt64Bits(first), "position {0}", position);
            }
        }
    }

    [Fact]
    public void Evaluate_LongRangeIncludingFractionalAndFarPositions_IsFinite()
    {
        LearningRateSchedule schedule = Create();
        foreach (double position in Positions())
        {
            double.IsFinite(schedule.Evaluate(position)).Should().BeTrue("position {0} must give a finite value", position);
        }
    }

    [Fact]
    public void Evaluate_AnyPosition_StaysWithinDeclaredBounds()
    {
        LearningRateSchedule schedule = Create();
        double slack = 1e-15 * Math.Max(Math.Abs(LowerBound), Math.Abs(UpperBound));
        foreach (double position in Positions())
        {
            schedule.Evaluate(position).Should().BeInRange(LowerBound - slack, UpperBound + slack, "position {0}", position);
        }
    }

    [Fact]
    public void Evaluate_IncreasingPositions_FollowsDeclaredMonotonicity()
    {
        LearningRateSchedule schedule = Create();
        double[] positions = Positions().Order().ToArray();
        if (Monotonicity == Monotonicity.None)
        {
            // A family declared without an ordering must really rise somewhere and fall somewhere;
            // otherwise its declaration is too weak and hides a property worth checking.
            double[] values = positions.Select(schedule.Evaluate).ToArray();
            bool rises = values.Zip(values.Skip(1)).Any(pair => pair.Second > pair.First);
            bool falls = values.Zip(values.Skip(1)).Any(pair => pair.Second < pair.First);
            (rises && falls).Should().BeTrue("a schedule declared without monotonicity should both rise and fall");
            return;
        }

        double previous = schedule.Evaluate(positions[0]);
        for (int i = 1; i < positions.Length; i++)
        {
            double value = schedule.Evaluate(positions[i]);
            if (Monotonicity == Monotonicity.NonIncreasing)
            {
                value.Should().BeLessThanOrEqualTo(previous, "the schedule must not rise from {0} to {1}", positions[i - 1], positions[i]);
            }
            else
            {
                value.Should().BeGreaterThanOrEqualTo(previous, "the schedule must not fall from {0} to {1}", positions[i - 1], positions[i]);
            }

            previous = value;
        }
    }

    [Fact]
    public void Evaluate_AfterWarmUp_AllocatesNothing()
    {
        LearningRateSchedule schedule = Create();
        double[] positions = Positions();
        double sink = schedule.Evaluate(positions[1]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < positions.Length; i++)
        {
            sink += schedule.Evaluate(positions[i]);
        }

        long after = GC.GetAllocatedBytesForCurrentThread();

        (after - before).Should().Be(0, "evaluation must not allocate (sink {0})", sink);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(-1e-300)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void Evaluate_InvalidPosition_ThrowsNamingPosition(double position)
    {
        LearningRateSchedule schedule = Create();

        Action act = () => schedule.Evaluate(position);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(position)).WithMessage("*'position' is*finite number zero or more*");
    }

    /// <summary>Whole steps to three horizons, fractional positions, and positions far past the horizon.</summary>
    private double[] Positions()
    {
        var positions = new List<double>();
        int whole = (int)Math.Ceiling(3 * Horizon);
        for (int i = 0; i <= whole; i++)
        {
            positions.Add(i);
        }

        for (double t = 0.037; t < 3 * Horizon; t += Horizon / 97.3)
        {
            positions.Add(t);
        }

        positions.AddRange([Horizon - 1e-9, Horizon, Horizon + 1e-9, 10 * Horizon + 0.5, 1e6 + 0.25, 1e9, 1e12, 1e15, double.MaxValue / 4]);
        return positions.Distinct().ToArray();
    }
}
