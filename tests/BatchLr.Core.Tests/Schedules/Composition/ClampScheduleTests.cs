using System.Linq;
using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;
using CsCheck;

namespace BatchLr.Core.Tests.Schedules.Composition;

/// <summary>Tests of <c>ClampSchedule</c>, behind <see cref="Schedule.Clamp"/>.</summary>
public class ClampScheduleTests : ScheduleConformanceTests
{
    protected override double LowerBound => 0.2;

    protected override double UpperBound => 0.6;

    protected override LearningRateSchedule Create() =>
        Schedule.Cyclic(new CyclicOptions { BaseLearningRate = 0, MaxLearningRate = 1, StepSizeUp = 13 }).Clamp(0.2, 0.6);

    protected override Gen<GeneratedSchedule> Generated =>
        Gen.Select(ScheduleGen.Value, ScheduleGen.Length, ScheduleGen.Signed, Gen.Double[0, 20])
            .Select((a, d, low, width) =>
            {
                double high = low + width;
                return new GeneratedSchedule(Schedule.CosineAnnealing(a, 0, d).Clamp(low, high), Math.Clamp(0, low, high), Math.Clamp(a, low, high), d, "CosineAnnealing.Clamp " + ScheduleGen.Show(a, d, low, high));
            });

    protected override Gen<InvalidCall> Invalid => Gen.OneOf(
        Gen.Double[1e-9, 10].Select(d => InvalidCall.Of(() => Schedule.Constant(1).Clamp(1, 1 - d), "maximum", "maximum", 1 - d)),
        Gen.OneOf(double.NaN, double.PositiveInfinity).Select(m => InvalidCall.Of(() => Schedule.Constant(1).Clamp(m, double.PositiveInfinity), "minimum", "minimum", m)));

    [Fact]
    public void Clamp_AnyPosition_IsMinOfMaxOfValueAndBounds()
    {
        var inner = Schedule.Linear(-1, 2, 30);
        var schedule = inner.Clamp(0, 1);

        for (double t = 0; t < 40; t += 0.5)
        {
            schedule.Evaluate(t).Should().Be(Math.Min(Math.Max(inner.Evaluate(t), 0), 1));
        }
    }

    [Fact]
    public void Clamp_OptaxEndValueWithStaircase_MatchesFloorOrCeiling()
    {
        // optax/schedules/_schedule_test.py, ExponentialTest.test_end_value_with_staircase (transition_begin written as our
        // prefix Sequence with the initial value): decay_rate < 1 gives max(values, end_value), else min(values, end_value).
        // Its growing case (decay_rate 2, end_value 3) cannot be a clamp of Exponential, which refuses a rate above 1; it is
        // ExponentialScheduleTests.BoundedExponential_OptaxTestEndValueWithStaircase_MatchesFloorOrCeiling.
        foreach (var (rate, end) in new[] { (0.2, 0.1), (1.0, 0.1) })
        {
            foreach (bool staircase in new[] { false, true })
            {
                var begun = Schedule.Sequence([Schedule.Constant(1.0), Schedule.Exponential(1.0, rate, interval: 2, staircase: staircase)], [3]);
                var schedule = rate < 1.0 ? begun.Clamp(end, double.PositiveInfinity) : begun.Clamp(double.NegativeInfinity, end);
                for (int count = 0; count < 14; count++)
                {
                    double raw = count < 3 ? 1.0 : Math.Pow(rate, staircase ? Math.Floor((count - 3) / 2.0) : (count - 3) / 2.0);
                    double expected = rate < 1.0 ? Math.Max(raw, end) : Math.Min(raw, end);
                    Approx.Equal(expected, schedule.Evaluate(count));
                }
            }
        }
    }

    [Fact]
    public void Clamp_AnyBounds_KeepsValuesInside()
    {
        Gen.Select(Gen.Double[-2, 2], Gen.Double[0, 3], Gen.Double[0, 1000])
            .Sample((min, width, t) =>
            {
                var schedule = Schedule.CosineAnnealing(3, 0, 500).Scale(-1).Clamp(min, min + width);
                schedule.Evaluate(t).Should().BeInRange(min, min + width);
            });
    }

    [Fact]
    public void Clamp_KeepsInnerClock()
    {
        Schedule.Constant(1).On(ProgressClock.Tokens).Clamp(0, 2).Clock.Should().Be(ProgressClock.Tokens);
    }

    [Theory]
    [InlineData(5.0, 0.0, 1.0)] // the maximum caps the inner magnitude
    [InlineData(0.5, 0.0, 1.0)] // the bounds are wider than the inner values
    [InlineData(0.5, 2.0, 3.0)] // the minimum lifts every value to 2
    [InlineData(0.5, -3.0, -2.0)] // the maximum pulls every value down to -2
    [InlineData(10.0, -4.0, 1.0)] // the inner -10 is held at -4, larger than the maximum 1
    [InlineData(2.0, 1000.0, double.PositiveInfinity)] // a minimum alone: every value is 1000
    public void Peak_InnerSpanningItsMagnitude_IsTheLargestClampedMagnitude(double magnitude, double minimum, double maximum)
    {
        // The inner schedule runs from -P to P, so |clamp(v)| over its values is largest at one of its ends.
        LearningRateSchedule clamped = Schedule.Linear(-magnitude, magnitude, 10).Clamp(minimum, maximum);

        double expected = Math.Max(Math.Abs(Math.Clamp(-magnitude, minimum, maximum)), Math.Abs(Math.Clamp(magnitude, minimum, maximum)));
        clamped.Peak.Should().Be(expected);
    }
}
