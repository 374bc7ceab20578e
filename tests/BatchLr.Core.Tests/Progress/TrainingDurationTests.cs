using System;
using System.Globalization;
using CsCheck;

namespace BatchLr.Core.Tests.Progress;

/// <summary>Tests of <see cref="TrainingDuration"/>: steps, samples and tokens are whole numbers from 1 to 2^53; epochs are finite and greater than zero.</summary>
public class TrainingDurationTests
{
    private const long TwoTo53 = 1L << 53;

    [Fact]
    public void Factories_ValidValues_KeepTheValueAndTheClock()
    {
        TrainingDuration.Steps(1000).Should().Match<TrainingDuration>(d => d.Value == 1000 && d.Clock == ProgressClock.Steps);
        TrainingDuration.Samples(1).Should().Match<TrainingDuration>(d => d.Value == 1 && d.Clock == ProgressClock.Samples);
        TrainingDuration.Tokens(TwoTo53).Should().Match<TrainingDuration>(d => d.Value == TwoTo53 && d.Clock == ProgressClock.Tokens);
        TrainingDuration.Epochs(0.5).Should().Match<TrainingDuration>(d => d.Value == 0.5 && d.Clock == ProgressClock.Epochs);
        TrainingDuration.Epochs(1e-300).Value.Should().Be(1e-300, "any finite epoch count above zero is a length");
        TrainingDuration.Epochs(1e300).Value.Should().Be(1e300, "the 2^53 bound is for counts, not epochs");
    }

    [Fact]
    public void On_EachClock_EqualsItsFactory()
    {
        TrainingDuration.On(64, ProgressClock.Steps).Should().Be(TrainingDuration.Steps(64));
        TrainingDuration.On(64, ProgressClock.Samples).Should().Be(TrainingDuration.Samples(64));
        TrainingDuration.On(64, ProgressClock.Tokens).Should().Be(TrainingDuration.Tokens(64));
        TrainingDuration.On(1.5, ProgressClock.Epochs).Should().Be(TrainingDuration.Epochs(1.5));
        TrainingDuration.On(TwoTo53, ProgressClock.Samples).Value.Should().Be(TwoTo53, "2^53 is the largest count allowed");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    [InlineData(TwoTo53 + 1)]
    [InlineData(long.MaxValue)]
    public void CountFactories_OutsideOneTo2To53_ThrowNamingTheParameter(long count)
    {
        // 2^53 + 1 is the first count a double cannot hold: it must be refused, not rounded to 2^53.
        Rejects(() => TrainingDuration.Steps(count), "steps", "*'steps' is " + count.ToString(CultureInfo.InvariantCulture) + "; it must be a whole number from 1 to 2^53.*");
        Rejects(() => TrainingDuration.Samples(count), "samples", "*whole number from 1 to 2^53*");
        Rejects(() => TrainingDuration.Tokens(count), "tokens", "*whole number from 1 to 2^53*");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-300)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Epochs_NotFiniteAndAboveZero_ThrowsNamingEpochs(double epochs) =>
        Rejects(() => TrainingDuration.Epochs(epochs), "epochs", "*'epochs' is *; it must be a finite number greater than zero.*");

    [Theory]
    [InlineData(1.5, ProgressClock.Steps)]
    [InlineData(0.5, ProgressClock.Samples)]
    [InlineData(0.0, ProgressClock.Tokens)]
    [InlineData(-3.0, ProgressClock.Steps)]
    [InlineData(double.NaN, ProgressClock.Samples)]
    [InlineData(double.PositiveInfinity, ProgressClock.Tokens)]
    [InlineData(9_007_199_254_740_994.0, ProgressClock.Steps)]
    public void On_CountClockWithAFractionOrOutOfRange_ThrowsNamingValue(double value, ProgressClock clock) =>
        Rejects(() => TrainingDuration.On(value, clock), "value", "*'value' is *; it must be a whole number from 1 to 2^53.*");

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void On_EpochsNotFiniteAndAboveZero_ThrowsNamingValue(double value) =>
        Rejects(() => TrainingDuration.On(value, ProgressClock.Epochs), "value", "*finite number greater than zero*");

    [Fact]
    public void On_UndefinedClock_ThrowsNamingClock() =>
        Rejects(() => TrainingDuration.On(1, (ProgressClock)4), "clock", "*'clock' is 4; it must be one of Steps, Samples, Tokens, Epochs*");

    [Theory]
    [InlineData("2ep", 2.0, ProgressClock.Epochs)]
    [InlineData("0.5ep", 0.5, ProgressClock.Epochs)]
    [InlineData("1000ba", 1000.0, ProgressClock.Steps)]
    [InlineData("5e4sp", 50_000.0, ProgressClock.Samples)]
    [InlineData("1e6tok", 1_000_000.0, ProgressClock.Tokens)]
    [InlineData(" 3ep ", 3.0, ProgressClock.Epochs)]
    [InlineData("\t12ba\n", 12.0, ProgressClock.Steps)]
    [InlineData("1.5e1ba", 15.0, ProgressClock.Steps)]
    [InlineData("9007199254740992tok", 9_007_199_254_740_992.0, ProgressClock.Tokens)]
    public void Parse_NumberAndUnit_ReadsTheDuration(string text, double value, ProgressClock clock)
    {
        TrainingDuration expected = TrainingDuration.On(value, clock);

        TrainingDuration.Parse(text).Should().Be(expected);
        TrainingDuration.TryParse(text, out TrainingDuration parsed).Should().BeTrue();
        parsed.Should().Be(expected);
    }

    [Fact]
    public void Parse_UnderACommaDecimalCulture_StillReadsAPoint()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");

            TrainingDuration.Parse("0.5ep").Should().Be(TrainingDuration.Epochs(0.5));
            TrainingDuration.Epochs(0.5).ToString().Should().Be("0.5ep");
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("2")]
    [InlineData("ep")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("2 days")]
    [InlineData("2EP")]
    [InlineData("2 epochs")]
    [InlineData("1,000ba")]
    [InlineData("0.5dur")]
    [InlineData("ba2")]
    public void Parse_NotANumberAndAUnit_ThrowsNamingTextAndUnits(string text) =>
        RejectsText(text, "'" + text + "' is not a duration; it must be a number followed by a unit: ba (steps), sp (samples), tok (tokens) or ep (epochs)*");

    [Theory]
    [InlineData("1.5ba")]
    [InlineData("0sp")]
    [InlineData("-1tok")]
    [InlineData("1e16ba")]
    public void Parse_CountThatIsNotWholeFromOneTo2To53_ThrowsNamingTheRule(string text) =>
        RejectsText(text, "'" + text + "' is not a duration; its number must be a whole number from 1 to 2^53.");

    [Theory]
    [InlineData("-1ep")]
    [InlineData("0ep")]
    [InlineData("NaNep")]
    [InlineData("1e400ep")]
    public void Parse_EpochsNotFiniteAndAboveZero_ThrowsNamingTheRule(string text) =>
        RejectsText(text, "'" + text + "' is not a duration; its number must be a finite number greater than zero.");

    [Fact]
    public void ParseAndTryParse_Null_ThrowAndReturnFalse()
    {
        ((Action)(() => TrainingDuration.Parse(null!))).Should().Throw<ArgumentNullException>().WithParameterName("text");
        TrainingDuration.TryParse(null, out TrainingDuration duration).Should().BeFalse();
        duration.Should().Be(default(TrainingDuration));
    }

    [Fact]
    public void ToString_EachClock_WritesNumberAndUnit()
    {
        TrainingDuration.Steps(1000).ToString().Should().Be("1000ba");
        TrainingDuration.Samples(50_000).ToString().Should().Be("50000sp");
        TrainingDuration.Tokens(1_000_000).ToString().Should().Be("1000000tok");
        TrainingDuration.Epochs(2).ToString().Should().Be("2ep");
        TrainingDuration.Epochs(0.25).ToString().Should().Be("0.25ep");
    }

    [Fact]
    public void ToString_AnyCount_RoundTripsThroughParse()
    {
        Gen.Select(Gen.Long[1, TwoTo53], Gen.Int[0, 2]).Sample((count, clock) =>
        {
            TrainingDuration duration = TrainingDuration.On(count, (ProgressClock)clock);
            TrainingDuration.Parse(duration.ToString()).Should().Be(duration);
        });
    }

    [Fact]
    public void ToString_AnyEpochs_RoundTripsThroughParse()
    {
        // Epochs are any positive finite double, so the written number must be the shortest text that reads back exactly.
        Gen.Double[1e-12, 1e12].Sample(epochs =>
        {
            TrainingDuration duration = TrainingDuration.Epochs(epochs);
            TrainingDuration.Parse(duration.ToString()).Should().Be(duration);
        });
        TrainingDuration third = TrainingDuration.Epochs(1.0 / 3);
        TrainingDuration.Parse(third.ToString()).Value.Should().Be(1.0 / 3);
    }

    [Fact]
    public void Equality_ComparesValueAndClock()
    {
        TrainingDuration a = TrainingDuration.Steps(100);

        (a == TrainingDuration.Parse("100ba")).Should().BeTrue();
        (a != TrainingDuration.Steps(100)).Should().BeFalse();
        (a == TrainingDuration.Samples(100)).Should().BeFalse("the same number on another clock is another length");
        (a != TrainingDuration.Steps(101)).Should().BeTrue();
        a.Equals((object)TrainingDuration.Steps(100)).Should().BeTrue();
        a.Equals((object)100L).Should().BeFalse();
        a.Equals(null).Should().BeFalse();
        a.GetHashCode().Should().Be(TrainingDuration.Steps(100).GetHashCode());
        (TrainingDuration.Epochs(0.5) == TrainingDuration.Parse("5e-1ep")).Should().BeTrue();
        (default(TrainingDuration) == TrainingDuration.Steps(1)).Should().BeFalse("no factory makes the default, a length of 0");
    }

    private static void Rejects(Action act, string parameter, string message) =>
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter).WithMessage(message);

    private static void RejectsText(string text, string message)
    {
        ((Action)(() => TrainingDuration.Parse(text))).Should().Throw<FormatException>().WithMessage(message);
        TrainingDuration.TryParse(text, out TrainingDuration duration).Should().BeFalse();
        duration.Should().Be(default(TrainingDuration));
    }
}
