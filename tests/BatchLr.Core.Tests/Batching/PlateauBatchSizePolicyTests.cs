using System;
using System.Linq;
using System.Text.Json;
using BatchLr.Batching;
using BatchLr.Feedback;

namespace BatchLr.Core.Tests.Batching;

public class PlateauBatchSizePolicyTests
{
    private static int[] ReportAll(IAdaptiveBatchSizePolicy policy, double[] metrics) => metrics.Select(m =>
    {
        policy.Report(m);
        return policy.GetBatchSize(default);
    }).ToArray();

    [Fact]
    public void OnPlateau_FixedBase_GrowsAfterPatienceExceeded()
    {
        var policy = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(32, new BatchSizeConstraints(maximum: 100)), new PlateauBatchSizeOptions { Factor = 2, Patience = 2 });

        // Reports: 1.0 (best), then three non-improving ones: the third exceeds patience 2, m = 2 → 64. 0.5 improves;
        // three more without improvement make m = 4: 32 · 4 = 128 is above the maximum, so the largest allowed size, 100.
        int[] sizes = ReportAll(policy, [1.0, 1.0, 1.0, 1.0, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]);

        sizes.Should().Equal(32, 32, 32, 64, 64, 64, 64, 100, 100, 100, 100);
    }

    [Fact]
    public void OnPlateau_RampBase_FollowsTheRampUntilThePlateau_ThenTheRampTimesTheFactor()
    {
        // "Ramp the batch, and grow it further when validation stalls": 16 before step 10, 32 from it; factor 2.
        IBatchSizePolicy ramp = BatchSizePolicy.Steps([10.0], [16, 32]);
        var policy = BatchSizePolicy.OnPlateau(ramp, new PlateauBatchSizeOptions { Patience = 0 });

        foreach (long step in (long[])[0, 9, 10, 50])
        {
            policy.GetBatchSize(TrainingProgress.AtStep(step)).Should().Be(ramp.GetBatchSize(TrainingProgress.AtStep(step)));
        }

        policy.Report(1.0);
        policy.Report(1.0); // patience 0: the second report without improvement is a plateau, m = 2

        policy.GetBatchSize(TrainingProgress.AtStep(9)).Should().Be(32);
        policy.GetBatchSize(TrainingProgress.AtStep(10)).Should().Be(64);
    }

    [Fact]
    public void OnPlateau_FactorBelowOne_Shrinks_AndStepsWithoutLossChangeNothing()
    {
        var policy = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(256), new PlateauBatchSizeOptions { Factor = 0.5, Patience = 0, Mode = PlateauMode.Max });

        policy.Report(0.7);
        policy.Observe(new BatchFeedback(TrainingProgress.AtStep(1), BatchPlan.Create(256, int.MaxValue)));
        policy.GetBatchSize(default).Should().Be(256);

        policy.Report(0.6); // max mode: 0.6 is worse than 0.7, and patience 0 → m = 0.5
        policy.GetBatchSize(default).Should().Be(128);
    }

    [Fact]
    public void OnPlateau_FactorRoundingBackToSameSize_MovesOnceTheProductPassesHalfway()
    {
        // Granularity 64, factor 1.4: m = 1.4 gives 89.6, nearer 64 than 128; m = 1.96 gives 125.4 → 128;
        // m = 2.744 gives 175.6 → 192; m = 3.8416 gives 245.9 → 256, the maximum.
        var constraints = new BatchSizeConstraints(multiple: 64, maximum: 256);
        var policy = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(64, constraints), new PlateauBatchSizeOptions { Factor = 1.4, Patience = 0 });

        ReportAll(policy, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]).Should().Equal(64, 64, 128, 192, 256, 256);
    }

    [Fact]
    public void OnPlateau_LongStall_KeepsTheMultiplierWhereItCanStillMatter()
    {
        // Allowed sizes 25..100: no multiplier above 100 / 25 = 4 can change any batch, so m stops there,
        // and one plateau with the opposite factor would move the batch again at once.
        var constraints = new BatchSizeConstraints(minimum: 25, maximum: 100);
        var policy = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(50, constraints), new PlateauBatchSizeOptions { Patience = 0 });

        ReportAll(policy, Enumerable.Repeat(1.0, 60).ToArray());

        policy.GetBatchSize(default).Should().Be(100);
        policy.State.Values["multiplier"].Should().Be(4.0);
    }

    [Fact]
    public void OnPlateau_WatchingTheTrainingLoss_ReportsEachWindowsMean_AndIgnoresReportedMetrics()
    {
        var policy = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(32), new PlateauBatchSizeOptions { Patience = 0, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 3 });
        void Step(long step, double loss) => policy.Observe(new BatchFeedback(TrainingProgress.AtStep(step), BatchPlan.Create(32, int.MaxValue)) { Loss = loss });

        // Window 1: mean of 3, 2, 1 is 2 (the first report, the best). Reported metrics are not watched.
        Step(1, 3);
        Step(2, 2);
        Step(3, 1);
        policy.Report(100);
        policy.Report(100);
        policy.GetBatchSize(default).Should().Be(32);

        // Window 2: mean of 2, 2, 2.5 is 2.1667, not below 2 · (1 - 1e-4): a plateau with patience 0.
        Step(4, 2);
        Step(5, 2);
        policy.GetBatchSize(default).Should().Be(32, "a window fills only at its third loss");
        Step(6, 2.5);
        policy.GetBatchSize(default).Should().Be(64);
    }

    [Fact]
    public void OnPlateau_StateRoundTripsThroughJson_MidWindowToo()
    {
        var options = new PlateauBatchSizeOptions { Patience = 1, Cooldown = 2, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 4 };
        IBatchSizePolicy Base() => BatchSizePolicy.Steps([30.0], [16, 24], constraints: new BatchSizeConstraints(maximum: 4096));
        var straight = BatchSizePolicy.OnPlateau(Base(), options);
        var resumed = BatchSizePolicy.OnPlateau(Base(), options);
        var random = new Random(3);
        for (int i = 0; i < 100; i++)
        {
            var feedback = new BatchFeedback(TrainingProgress.AtStep(i + 1), BatchPlan.Create(16, int.MaxValue)) { Loss = random.NextDouble() };
            straight.Observe(feedback);
            resumed.Observe(feedback);
            var restored = BatchSizePolicy.OnPlateau(Base(), options);
            AdaptiveBatchState saved = JsonSerializer.Deserialize<AdaptiveBatchState>(JsonSerializer.Serialize(resumed.State))!;
            saved.Should().Be(resumed.State, "a state equals its JSON round trip");
            restored.Restore(saved);
            resumed = restored;
            resumed.GetBatchSize(TrainingProgress.AtStep(i + 1)).Should().Be(straight.GetBatchSize(TrainingProgress.AtStep(i + 1)));
        }

        straight.State.Values["multiplier"].Should().BeGreaterThan(1, "random losses must stall at some point");
    }

    [Fact]
    public void OnPlateau_BadOptions_ReportsEveryBrokenRule()
    {
        var act = () => BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(8), new PlateauBatchSizeOptions { Factor = 1.0, Patience = -1, LossWindow = 0 });

        act.Should().Throw<ArgumentException>()
            .WithMessage("*Factor' is 1*not 1*")
            .WithMessage("*Patience' is -1*zero or more*")
            .WithMessage("*LossWindow' is 0*1 or more*");
    }

    [Fact]
    public void OnPlateau_AdaptiveBase_IsRefused()
    {
        var noise = BatchSizePolicy.NoiseAdaptive(new NoiseAdaptiveBatchSizeOptions { InitialBatchSize = 32 });

        var act = () => BatchSizePolicy.OnPlateau(noise, new PlateauBatchSizeOptions());

        act.Should().Throw<ArgumentException>().WithParameterName("basePolicy").WithMessage("*adaptive*closed-form*");
    }

    [Theory]
    [InlineData("multiplier", 1000.0, "*multiplier*between*")]
    [InlineData("loss_count", 3.0, "*loss_count*less than LossWindow, 3*")]
    [InlineData("loss_sum", double.PositiveInfinity, "*loss_sum*not finite*")]
    [InlineData("reports", -1.0, "*reports*whole number zero or more*")]
    [InlineData("best", double.NaN, "'state.Values[best]' is not finite; it must be a finite number, or absent before the first report.*")]
    public void Restore_BadValue_ThrowsNamingTheEntry_AndChangesNothing(string name, double value, string message)
    {
        var options = new PlateauBatchSizeOptions { Patience = 0, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 3 };
        var policy = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(32, new BatchSizeConstraints(maximum: 512)), options);
        AdaptiveBatchState before = policy.State;
        var values = new System.Collections.Generic.Dictionary<string, double>(before.Values) { [name] = value };

        var act = () => policy.Restore(before with { Values = values });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage(message);
        policy.State.Should().Be(before);
    }

    [Theory]
    [InlineData(0.25, 25)] // allowed sizes 25..100: m = 25 / 100, the least that can change a batch: 50 · 0.25 = 12.5 → 25
    [InlineData(4.0, 100)] // m = 100 / 25, the greatest: 50 · 4 = 200 → 100
    public void Restore_MultiplierAtItsBound_IsAccepted(double multiplier, int expected)
    {
        var policy = BatchSizePolicy.OnPlateau(BatchSizePolicy.Fixed(50, new BatchSizeConstraints(minimum: 25, maximum: 100)), new PlateauBatchSizeOptions());
        var values = new System.Collections.Generic.Dictionary<string, double>(policy.State.Values) { ["multiplier"] = multiplier };

        policy.Restore(policy.State with { Values = values });

        policy.State.Values["multiplier"].Should().Be(multiplier);
        policy.GetBatchSize(default).Should().Be(expected);
    }
}
