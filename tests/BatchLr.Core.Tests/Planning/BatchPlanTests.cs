using System;
using System.Linq;

namespace BatchLr.Core.Tests.Planning;

public class BatchPlanTests
{
    [Fact]
    public void Create_FitsInOneMicroBatch_NoAccumulation()
    {
        var plan = BatchPlan.Create(256, 512, replicas: 4);

        plan.AccumulationSteps.Should().Be(1);
        plan.MicroBatchSize.Should().Be(64);
        plan.LastMicroBatchSize.Should().Be(64);
    }

    [Fact]
    public void Create_TooLarge_AccumulatesEvenly()
    {
        // Per replica 100, at most 32 at once: A = ceil(100 / 32) = 4, micro = ceil(100 / 4) = 25.
        var plan = BatchPlan.Create(100, 32);

        plan.AccumulationSteps.Should().Be(4);
        plan.MicroBatchSize.Should().Be(25);
        plan.LastMicroBatchSize.Should().Be(25);
    }

    [Fact]
    public void Create_NotDivisible_LastMicroBatchTakesRemainder_AndSizesSumToBatch()
    {
        // Per replica 101: A = 4, micro = ceil(101 / 4) = 26, last = 101 - 3 * 26 = 23.
        var plan = BatchPlan.Create(101, 32);

        plan.MicroBatchSize.Should().Be(26);
        plan.LastMicroBatchSize.Should().Be(23);
        Enumerable.Range(0, plan.AccumulationSteps).Sum(plan.GetMicroBatchSize).Should().Be(101);
        Enumerable.Range(0, plan.AccumulationSteps).Sum(plan.GetLossWeight).Should().BeApproximately(1.0, 1e-15);
    }

    [Fact]
    public void Create_EveryBatchAndLimit_NeverExceedsLimitAndKeepsTheGlobalBatch()
    {
        for (int batch = 1; batch <= 300; batch++)
        {
            for (int limit = 1; limit <= 64; limit += 7)
            {
                var plan = BatchPlan.Create(batch, limit);
                plan.MicroBatchSize.Should().BeLessThanOrEqualTo(limit);
                plan.LastMicroBatchSize.Should().BeInRange(1, plan.MicroBatchSize);
                ((plan.AccumulationSteps - 1) * plan.MicroBatchSize + plan.LastMicroBatchSize).Should().Be(batch);
                plan.AccumulationSteps.Should().Be((batch + limit - 1) / limit);
            }
        }
    }

    [Fact]
    public void Create_UnlimitedMicroBatch_DoesNotOverflow()
    {
        var plan = BatchPlan.Create(int.MaxValue - 1, int.MaxValue);

        plan.AccumulationSteps.Should().Be(1);
        plan.MicroBatchSize.Should().Be(int.MaxValue - 1);
    }

    [Fact]
    public void Create_NearIntMaxWithAccumulation_KeepsEveryCountPositive()
    {
        // 2^31 - 1 samples, at most 1000 at once: A = ceil(2147483647 / 1000) = 2147484,
        // micro = ceil(2147483647 / 2147484) = 1000, last = 2147483647 - 2147483 · 1000 = 647.
        var plan = BatchPlan.Create(int.MaxValue, 1000);

        plan.AccumulationSteps.Should().Be(2_147_484);
        plan.MicroBatchSize.Should().Be(1000);
        plan.LastMicroBatchSize.Should().Be(647);
    }

    [Fact]
    public void Create_GlobalNotMultipleOfReplicas_Throws()
    {
        var act = () => BatchPlan.Create(10, 4, replicas: 4);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("globalBatchSize").WithMessage("*10*multiple of replicas, 4*");
    }

    [Fact]
    public void GetMicroBatchSize_IndexOutOfRange_Throws()
    {
        var plan = BatchPlan.Create(64, 32);

        var act = () => plan.GetMicroBatchSize(2);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index");
    }

    [Theory]
    [InlineData(64, 256, 1, 2, 2, 32, 32)] // fits in one, split in two
    [InlineData(5, 2, 1, 2, 3, 2, 1)] // the limit already asks for three
    [InlineData(1, 256, 1, 2, 1, 1, 1)] // one sample cannot be split
    [InlineData(64, 256, 2, 2, 2, 16, 16)] // per replica: 32 in two
    [InlineData(10, 256, 1, 4, 4, 3, 1)] // ceil(10 / 4) = 3: 3, 3, 3, 1
    public void Create_MinAccumulationSteps_SplitsAtLeastThatManyTimes(int global, int maxMicro, int replicas, int minimum, int accumulation, int micro, int last)
    {
        BatchPlan plan = BatchPlan.Create(global, maxMicro, replicas, minimum);

        (plan.AccumulationSteps, plan.MicroBatchSize, plan.LastMicroBatchSize).Should().Be((accumulation, micro, last));
    }

    [Fact]
    public void Create_MinAccumulationStepsBelowOne_Throws()
    {
        ((Action)(() => BatchPlan.Create(8, 8, 1, 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("minAccumulationSteps");
    }

    [Theory]
    [InlineData(0, 8, 1, 1, "globalBatchSize")]
    [InlineData(8, 0, 1, 1, "maxMicroBatchSize")]
    [InlineData(8, 8, 0, 1, "replicas")]
    [InlineData(8, 8, 1, 0, "minAccumulationSteps")]
    public void Create_NotPositive_ThrowsNamingTheParameter(int global, int micro, int replicas, int minAccumulation, string parameter)
    {
        Action act = () => BatchPlan.Create(global, micro, replicas, minAccumulation);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter).WithMessage("*greater than zero*");
    }

    [Fact]
    public void ToString_SaysReplicasAndTheShorterLastMicroBatch()
    {
        // 126 over 2 replicas is 63 each, in micro-batches of at most 32: 32 then 31.
        BatchPlan.Create(126, 32, replicas: 2).ToString().Should().Be("126 = 2 replicas x 2 x 32 (last 31)");
        BatchPlan.Create(64, 32).ToString().Should().Be("64 = 1 replica x 2 x 32");
    }

    [Fact]
    public void GetMicroBatchSize_IndexPastTheLast_NamesTheRange()
    {
        Action act = () => BatchPlan.Create(64, 32).GetMicroBatchSize(2);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index").WithMessage("*from 0 to 1*");
    }

    [Fact]
    public void Equals_PlansThatDifferInAnySplit_AreUnequal()
    {
        BatchPlan[] plans =
        [
            BatchPlan.Create(64, 64), BatchPlan.Create(64, 32), BatchPlan.Create(64, 64, replicas: 2), BatchPlan.Create(63, 32),
            BatchPlan.Create(62, 32), BatchPlan.Create(32, 32), BatchPlan.Create(96, 32), BatchPlan.Create(64, 64, minAccumulationSteps: 3),
        ];

        for (int i = 0; i < plans.Length; i++)
        {
            for (int j = 0; j < plans.Length; j++)
            {
                (plans[i] == plans[j]).Should().Be(i == j, $"{plans[i]} against {plans[j]}");
                (plans[i] != plans[j]).Should().Be(i != j);
            }
        }
    }
}
