using System;
using BatchLr.Scaling;

namespace BatchLr.Core.Tests.Scaling;

public class LearningRateScalingTests
{
    [Theory]
    [InlineData(256, 1.0)]
    [InlineData(512, 2.0)]
    [InlineData(8192, 32.0)]
    [InlineData(128, 0.5)]
    public void Linear_FactorIsBatchOverReference(int batch, double expected)
    {
        LearningRateScaling.Linear(256).GetFactor(batch).Should().Be(expected);
    }

    [Theory]
    [InlineData(256, 1.0)]
    [InlineData(1024, 2.0)]
    [InlineData(64, 0.5)]
    public void SquareRoot_FactorIsRootOfBatchOverReference(int batch, double expected)
    {
        LearningRateScaling.SquareRoot(256).GetFactor(batch).Should().Be(expected);
    }

    [Fact]
    public void None_IsAlwaysOne()
    {
        LearningRateScaling.None.GetFactor(1).Should().Be(1.0);
        LearningRateScaling.None.GetFactor(65_536).Should().Be(1.0);
    }

    [Fact]
    public void Linear_ZeroReference_Throws()
    {
        var act = () => LearningRateScaling.Linear(0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("referenceBatchSize");
    }

    [Fact]
    public void GetFactor_ZeroBatch_Throws()
    {
        var act = () => LearningRateScaling.SquareRoot(32).GetFactor(0);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("batchSize").WithMessage("*0*1 or more*");
    }
}
