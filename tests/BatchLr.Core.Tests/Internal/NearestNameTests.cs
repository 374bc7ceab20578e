using BatchLr.Internal;

namespace BatchLr.Core.Tests.Internal;

public class NearestNameTests
{
    [Theory]
    [InlineData("step_size", "step_size", 0)]
    [InlineData("step_sise", "step_size", 1)]
    [InlineData("setp_size", "step_size", 1)]
    [InlineData("stepsize", "step_size", 1)]
    [InlineData("step__size", "step_size", 1)]
    [InlineData("T_MAX", "T_max", 0)]
    [InlineData("", "gamma", 5)]
    [InlineData("abc", "", 3)]
    [InlineData("ca", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_KnownPairs_CountsEdits(string a, string b, int expected)
    {
        NearestName.Distance(a, b).Should().Be(expected);
        NearestName.Distance(b, a).Should().Be(expected);
    }

    [Theory]
    [InlineData("step_sise", "step_size")]
    [InlineData("gama", "gamma")]
    [InlineData("Gamma", "gamma")]
    [InlineData("num_warmup_step", "num_warmup_steps")]
    [InlineData("num_warmpu_stesp", "num_warmup_steps")]
    public void Find_CloseName_ReturnsIt(string name, string expected) =>
        NearestName.Find(name, ["step_size", "gamma", "num_warmup_steps", "num_training_steps"]).Should().Be(expected);

    [Theory]
    [InlineData("momentum")]
    [InlineData("x")]
    [InlineData("warmup")]
    [InlineData("step_size")]
    public void Find_NothingCloseEnough_ReturnsNull(string name) =>
        NearestName.Find(name, ["step_size", "gamma", "num_warmup_steps"]).Should().BeNull(name == "step_size" ? "an exact match is not a mistake" : "no name is within a third of its length");

    [Fact]
    public void Find_Tie_TakesTheFirstListed() =>
        NearestName.Find("max", ["min", "mad", "mat"]).Should().Be("mad");

    [Fact]
    public void Find_NearerLaterName_WinsOverFartherEarlierOne() =>
        NearestName.Find("num_training_step", ["num_warmup_steps", "num_training_steps"]).Should().Be("num_training_steps");

    [Fact]
    public void Find_LimitIsAThirdOfTheLongerName_NotOfTheShorter()
    {
        // Dropping "num_" and the final "s" is 5 edits (no fewer: the lengths differ by 5). A third of the longer name,
        // 16 / 3 = 5, allows them; a third of the typed one, 11 / 3 = 3, would not.
        NearestName.Distance("warmup_step", "num_warmup_steps").Should().Be(5);
        NearestName.Find("warmup_step", ["num_warmup_steps"]).Should().Be("num_warmup_steps");
    }
}
