using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

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

/// <summary>A schedule built from generated parameters, with the bounds those parameters imply by the family's formula.</summary>
/// <param name="Schedule">The schedule.</param>
/// <param name="Lower">The smallest value the formula allows.</param>
/// <param name="Upper">The largest value the formula allows.</param>
/// <param name="Horizon">A length of the schedule (a duration, a period, the last milestone), probed with its neighbours.</param>
/// <param name="Parameters">The parameters, printed when a sample fails.</param>
public sealed record GeneratedSchedule(LearningRateSchedule Schedule, double Lower, double Upper, double Horizon, string Parameters)
{
    /// <inheritdoc />
    public override string ToString() => Parameters;
}

/// <summary>A factory call with one parameter broken, and how the refusal must name it.</summary>
/// <param name="Call">The call.</param>
/// <param name="ParamName">The <see cref="ArgumentException.ParamName"/> expected: the parameter, or <c>options</c> for an options object.</param>
/// <param name="Named">The name the message states, such as <c>rate</c> or <c>options.Gamma</c>.</param>
/// <param name="Value">The value as the message writes it (round-trip format, invariant culture).</param>
public sealed record InvalidCall(Func<object> Call, string ParamName, string Named, string Value)
{
    /// <summary>Creates a call whose value is a number, written as the messages write numbers.</summary>
    public static InvalidCall Of(Func<object> call, string paramName, string named, double value) =>
        new(call, paramName, named, value.ToString("R", CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public override string ToString() => Named + " = " + Value;
}

/// <summary>
/// The contract every closed-form schedule must keep (DESIGN.md principle 1): random access equals
/// sequential evaluation bit for bit, repeated evaluation is identical, values are finite and within
/// the declared bounds, monotone where declared, evaluation allocates nothing, and bad positions are refused.
/// </summary>
/// <remarks>
/// The representative schedule of <see cref="Create"/> is checked in depth; <see cref="Generated"/> and <see cref="Invalid"/>
/// extend the contract to the family's whole parameter space with CsCheck: generated parameters (extremes included) give
/// finite values within the bounds their formula implies at every probed position, near and far, in any order; a broken
/// parameter gives an <see cref="ArgumentException"/> naming the parameter, its value and the rule, and nothing else.
/// A failing sample prints its parameters and CsCheck's seed, which replays it.
/// </remarks>
public abstract class ScheduleConformanceTests
{
    /// <summary>Positions every generated schedule is probed at, besides its horizon and the horizon's neighbours.</summary>
    private static readonly double[] Probes = [0, 1e-9, 0.5, 1, 2, 3, 10, 99.5, 1000, 12345.678, 1e6, 1e9, 1e12, 1e15, 1e18, 1e300, double.MaxValue / 4];
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

    /// <summary>Gets a generator of schedules of the family over its parameter space, or <see langword="null"/> for a family whose parameters are code (a user function).</summary>
    protected virtual Gen<GeneratedSchedule>? Generated => null;

    /// <summary>Gets a generator of factory calls with one parameter broken, or <see langword="null"/> when the family has no parameter to break.</summary>
    protected virtual Gen<InvalidCall>? Invalid => null;

    [Fact]
    public void Generated_AnyParameters_FiniteAndWithinTheirBoundsAtEveryPosition()
    {
        Generated?.Sample(g =>
        {
            double slack = 1e-12 * Math.Max(Math.Abs(g.Lower), Math.Abs(g.Upper));
            foreach (double position in GeneratedPositions(g))
            {
                double value = g.Schedule.Evaluate(position);
                double.IsFinite(value).Should().BeTrue("{0} at {1} gave {2}", g, position, value);
                value.Should().BeInRange(g.Lower - slack, g.Upper + slack, "{0} at {1}", g, position);
            }
        });
    }

    [Fact]
    public void Generated_AnyParameters_RandomAccessEqualsSequentialBitForBit()
    {
        Generated?.Select(Gen.Int).Sample((g, seed) =>
        {
            double[] positions = GeneratedPositions(g);
            double[] sequential = positions.Select(g.Schedule.Evaluate).ToArray();
            int[] order = Enumerable.Range(0, positions.Length).ToArray();
            new Random(seed).Shuffle(order);
            foreach (int i in order)
            {
                BitConverter.DoubleToInt64Bits(g.Schedule.Evaluate(positions[i])).Should().Be(BitConverter.DoubleToInt64Bits(sequential[i]), "{0} at {1}", g, positions[i]);
            }
        });
    }

    [Fact]
    public void Invalid_AnyBrokenParameter_ThrowsArgumentExceptionNamingParameterValueAndRule()
    {
        Invalid?.Sample(c =>
        {
            Exception? thrown = Watchdog.Returns(
                () =>
                {
                    try
                    {
                        c.Call();
                        return null;
                    }
                    catch (Exception e)
                    {
                        return e;
                    }
                },
                c.ToString());
            thrown.Should().BeAssignableTo<ArgumentException>("{0} must be refused with an ArgumentException", c);
            var refusal = (ArgumentException)thrown!;
            refusal.ParamName.Should().Be(c.ParamName);
            refusal.Message.Should().Contain("'" + c.Named + "' is " + c.Value).And.Contain("must be");
        });
    }

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
    public void Evaluate_ManyThreadsAtOnce_EqualsSequentialBitForBit()
    {
        // A schedule is immutable (its thread-safety remark): one instance read from many threads at once, each in its own
        // order and several times over, gives every thread the values a single thread gets.
        LearningRateSchedule schedule = Create();
        double[] positions = Positions();
        long[] expected = positions.Select(p => BitConverter.DoubleToInt64Bits(schedule.Evaluate(p))).ToArray();

        long[][] seen = Concurrently.Run(8, thread =>
        {
            int[] order = Enumerable.Range(0, positions.Length).ToArray();
            new Random(thread).Shuffle(order);
            var bits = new long[positions.Length];
            for (int round = 0; round < 20; round++)
            {
                foreach (int i in order)
                {
                    bits[i] = BitConverter.DoubleToInt64Bits(schedule.Evaluate(positions[i]));
                }
            }

            return bits;
        });

        foreach (long[] bits in seen)
        {
            bits.Should().Equal(expected);
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

    private static double[] GeneratedPositions(GeneratedSchedule g)
    {
        var positions = new List<double>(Probes);
        foreach (double near in (double[])[g.Horizon - 1, g.Horizon - 1e-9, g.Horizon, g.Horizon + 1e-9, g.Horizon + 1, 2 * g.Horizon])
        {
            if (near >= 0 && double.IsFinite(near))
            {
                positions.Add(near);
            }
        }

        return positions.Distinct().ToArray();
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
