using System;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules;

/// <summary>Tests of <see cref="OptimizerSchedule"/>.</summary>
public class OptimizerScheduleTests
{
    [Fact]
    public void GetLearningRate_PerGroupSchedules_EvaluatesEachGroupOnItsClock()
    {
        var optimizer = new OptimizerSchedule([Schedule.Step(0.05, 3, 0.1), Schedule.Linear(1, 0, 1000).On(ProgressClock.Samples)]);
        var progress = new TrainingProgress(step: 4, samples: 250);

        optimizer.GroupCount.Should().Be(2);
        optimizer.HasMomentum.Should().BeFalse();
        Approx.Equal(0.05 * 0.1, optimizer.GetLearningRate(0, progress));
        Approx.Equal(0.75, optimizer.GetLearningRate(1, progress));
    }

    [Fact]
    public void GetLearningRateAt_FractionalPositions_ReadEachGroupsScheduleOnItsClock()
    {
        // SGDR with T_0 = 10 (PyTorch's CosineAnnealingWarmRestarts stepped with fractional epochs): at t = 12.5 the
        // second cycle has run 2.5 of 10, so lr = 0.1 · (1 + cos(π · 0.25)) / 2. Group 1 reads samples: 250.5 of 1000.
        var optimizer = new OptimizerSchedule(
            [Schedule.CosineWithRestarts(new RestartsOptions { MaxValue = 0.1, Period = 10 }), Schedule.Linear(1, 0, 1000).On(ProgressClock.Samples)]);

        Approx.Equal(0.1 * (1 + Math.Cos(Math.PI * 0.25)) / 2, optimizer.GetLearningRateAt(0, 12.5));
        Approx.Equal(1 - (250.5 / 1000), optimizer.GetLearningRateAt(1, 250.5));
        foreach (long step in (long[])[0, 3, 10, 17])
        {
            // At a whole position, the value a TrainingProgress standing there on every clock gives.
            var progress = new TrainingProgress(step, samples: step);
            optimizer.GetLearningRateAt(0, step).Should().Be(optimizer.GetLearningRate(0, progress));
            optimizer.GetLearningRateAt(1, step).Should().Be(optimizer.GetLearningRate(1, progress));
        }
    }

    [Fact]
    public void GetLearningRateAt_ConstantWithPlateau_IsTheStartingRateAtAnyPosition()
    {
        OptimizerSchedule schedule = OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions(), [0.1, 0.05]);

        schedule.GetLearningRateAt(0, 7.25).Should().Be(0.1);
        schedule.GetLearningRateAt(1, 0).Should().Be(0.05);
    }

    [Fact]
    public void GetMomentumAt_OneCycleCompanion_FollowsTheFormulaBetweenSteps()
    {
        // Linear annealing from max_momentum 22 at 0 down to base_momentum 1 at the peak, step 2 (pct_start 0.3 of 10 is 3 - 1):
        // halfway, at 1, it is 11.5.
        var options = new OneCycleOptions { MaxLearningRate = 25, FinalDivFactor = 2, BaseMomentum = 1, MaxMomentum = 22, TotalSteps = 10, AnnealStrategy = AnnealShape.Linear };
        var optimizer = new OptimizerSchedule([Schedule.OneCycle(options)], [Schedule.OneCycleMomentum(options)]);

        Approx.Equal(11.5, optimizer.GetMomentumAt(0, 1));
        Approx.Equal(22, optimizer.GetMomentumAt(0, 0));
        optimizer.GetMomentumAt(0, 2).Should().Be(optimizer.GetMomentum(0, TrainingProgress.AtStep(2)));
    }

    [Fact]
    public void GetLearningRateAt_BadArguments_Throw()
    {
        var optimizer = new OptimizerSchedule([Schedule.Constant(0.1)]);

        ((Action)(() => optimizer.GetLearningRateAt(0, -0.5))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("position");
        ((Action)(() => optimizer.GetLearningRateAt(0, double.NaN))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("position");
        ((Action)(() => optimizer.GetLearningRateAt(1, 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("group");
        ((Action)(() => optimizer.GetMomentumAt(0, 0))).Should().Throw<InvalidOperationException>().WithMessage("*HasMomentum*");
    }

    [Fact]
    public void Reads_LearningRateAndMomentumSchedules_NamesEveryClockUsedAndNoOther()
    {
        var schedule = new OptimizerSchedule(
            [Schedule.Constant(0.1), Schedule.Linear(1, 0, 1000).On(ProgressClock.Samples)],
            [Schedule.Constant(0.9), Schedule.Linear(0.9, 0.8, 10).On(ProgressClock.Epochs)]);

        schedule.Reads(ProgressClock.Steps).Should().BeTrue();
        schedule.Reads(ProgressClock.Samples).Should().BeTrue();
        schedule.Reads(ProgressClock.Epochs).Should().BeTrue("a momentum schedule counts");
        schedule.Reads(ProgressClock.Tokens).Should().BeFalse();
        new OptimizerSchedule([Schedule.Constant(0.1).On(ProgressClock.Tokens)]).Reads(ProgressClock.Steps).Should().BeFalse();
    }

    [Fact]
    public void GetMomentum_OneCycleCompanion_MatchesPyTorchTargets()
    {
        // PyTorch test/optim/test_lrscheduler.py, test_onecycle_lr_linear_annealing momentum targets at steps 0, 2, 9: 22, 1, 22.
        var options = new OneCycleOptions { MaxLearningRate = 25, FinalDivFactor = 2, BaseMomentum = 1, MaxMomentum = 22, TotalSteps = 10, AnnealStrategy = AnnealShape.Linear };
        var optimizer = new OptimizerSchedule([Schedule.OneCycle(options)], [Schedule.OneCycleMomentum(options)]);

        optimizer.HasMomentum.Should().BeTrue();
        Approx.Equal(22, optimizer.GetMomentum(0, TrainingProgress.AtStep(0)));
        Approx.Equal(1, optimizer.GetMomentum(0, TrainingProgress.AtStep(2)));
        Approx.Equal(22, optimizer.GetMomentum(0, TrainingProgress.AtStep(9)));
        Approx.Equal(25, optimizer.GetLearningRate(0, TrainingProgress.AtStep(2)));
    }

    [Fact]
    public void GetMomentum_WithoutMomentum_Throws()
    {
        var optimizer = new OptimizerSchedule([Schedule.Constant(0.1)]);

        ((Action)(() => optimizer.GetMomentum(0, TrainingProgress.AtStep(0)))).Should().Throw<InvalidOperationException>().WithMessage("*HasMomentum*");
    }

    [Fact]
    public void WithPlateau_KeepsTheClosedFormValues_AndLeavesTheOriginalUnchanged()
    {
        var closed = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.0, 100), Schedule.Constant(0.01)]);

        OptimizerSchedule reactive = closed.WithPlateau(new ReduceOnPlateauOptions { Patience = 2 });

        reactive.HasPlateau.Should().BeTrue();
        closed.HasPlateau.Should().BeFalse();
        foreach (long step in (long[])[0, 30, 99, 500])
        {
            // Before any reduction the factor is 1: the rates are the closed form's, bit for bit.
            reactive.GetLearningRate(0, TrainingProgress.AtStep(step)).Should().Be(closed.GetLearningRate(0, TrainingProgress.AtStep(step)));
            reactive.GetLearningRate(1, TrainingProgress.AtStep(step)).Should().Be(0.01);
        }
    }

    [Fact]
    public void WithPlateau_Twice_IsRefused()
    {
        OptimizerSchedule reactive = new OptimizerSchedule([Schedule.Constant(0.1)]).WithPlateau(new ReduceOnPlateauOptions());

        ((Action)(() => reactive.WithPlateau(new ReduceOnPlateauOptions()))).Should().Throw<InvalidOperationException>().WithMessage("*already*");
    }

    [Fact]
    public void WithPlateau_BadOptions_ReportsEveryBrokenRule()
    {
        var closed = new OptimizerSchedule([Schedule.Constant(0.1)]);

        var act = () => closed.WithPlateau(new ReduceOnPlateauOptions { Factor = 1.5, LossWindow = 0 });

        act.Should().Throw<ArgumentException>().WithMessage("*Factor' is 1.5*").WithMessage("*LossWindow' is 0*");
    }

    [Fact]
    public void ConstantWithPlateau_GetLearningRate_IsTheStartingRateOfEachGroup()
    {
        var schedule = OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions { Patience = 0 }, [0.5, 0.05]);

        schedule.GroupCount.Should().Be(2);
        schedule.HasPlateau.Should().BeTrue();
        schedule.GetLearningRate(0, TrainingProgress.AtStep(123)).Should().Be(0.5);
        schedule.GetLearningRate(1, default).Should().Be(0.05);
    }

    [Fact]
    public void Constructor_BadLists_ThrowNamingTheParameter()
    {
        ((Action)(() => _ = new OptimizerSchedule([]))).Should().Throw<ArgumentException>().WithParameterName("learningRates").WithMessage("*'learningRates' is empty*");
        ((Action)(() => _ = new OptimizerSchedule([Schedule.Constant(1), null!]))).Should().Throw<ArgumentNullException>().WithParameterName("learningRates[1]");
        ((Action)(() => _ = new OptimizerSchedule([Schedule.Constant(1)], [Schedule.Constant(1), Schedule.Constant(2)]))).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("momentum.Count").WithMessage("*'momentum.Count' is 2; it must be equal to learningRates.Count, 1*");
        ((Action)(() => OptimizerSchedule.ConstantWithPlateau(null!, [0.1]))).Should().Throw<ArgumentNullException>().WithParameterName("plateau");
        ((Action)(() => OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions(), []))).Should().Throw<ArgumentException>().WithMessage("*empty*");
        ((Action)(() => new OptimizerSchedule([Schedule.Constant(1)]).WithPlateau(null!))).Should().Throw<ArgumentNullException>().WithParameterName("plateau");
    }

    [Fact]
    public void GetLearningRate_BadGroup_ThrowsNamingGroup()
    {
        var optimizer = new OptimizerSchedule([Schedule.Constant(0.1)]);

        ((Action)(() => optimizer.GetLearningRate(1, default))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("group").WithMessage("*'group' is 1*from 0 to 0*");
        ((Action)(() => optimizer.GetLearningRate(-1, default))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("group");
    }

    [Fact]
    public void Constructor_EmptyLists_MessageSaysOneSchedulePerGroup()
    {
        ((Action)(() => _ = new OptimizerSchedule([]))).Should().Throw<ArgumentException>().WithParameterName("learningRates")
            .WithMessage("'learningRates' is empty; it must hold one schedule per parameter group.*");
        ((Action)(() => _ = new OptimizerSchedule([Schedule.Constant(1)], []))).Should().Throw<ArgumentException>().WithParameterName("momentum")
            .WithMessage("'momentum' is empty; it must hold one schedule per parameter group.*");
    }

    [Fact]
    public void ConstantWithPlateau_NullRates_ThrowsNamingLearningRates()
    {
        ((Action)(() => OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions(), null!))).Should().Throw<ArgumentNullException>().WithParameterName("learningRates");
    }

    [Fact]
    public void PeakLearningRate_SeveralGroups_IsTheLargestScheduleMagnitudeTimesItsFactor()
    {
        // Closed form: max(0.1, max(|0|, |0.3|)) = 0.3. Constant rates: schedules of 1 times factors 0.1 and 0.5, so 0.5.
        new OptimizerSchedule([Schedule.Constant(0.1), Schedule.Linear(0, 0.3, 10)]).PeakLearningRate.Should().Be(0.3);
        OptimizerSchedule.ConstantWithPlateau(new ReduceOnPlateauOptions(), [0.1, 0.5]).PeakLearningRate.Should().Be(0.5);
    }

    [Fact]
    public void Momentum_BadGroup_ThrowsNamingGroup()
    {
        var optimizer = new OptimizerSchedule([Schedule.Constant(0.1)], [Schedule.Constant(0.9)]);

        ((Action)(() => optimizer.GetMomentum(1, default))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("group").WithMessage("*'group' is 1*from 0 to 0*");
        ((Action)(() => optimizer.GetMomentumAt(1, 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("group");
        ((Action)(() => optimizer.GetMomentumAt(1, default, 0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("group");
        ((Action)(() => optimizer.GetLearningRateAt(1, default, 0, [1.0]))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("group");
    }

    [Fact]
    public void GetMomentumAtPosition_WithoutMomentum_Throws()
    {
        var optimizer = new OptimizerSchedule([Schedule.Constant(0.1)]);

        ((Action)(() => optimizer.GetMomentumAt(0, default, 0))).Should().Throw<InvalidOperationException>().WithMessage("*HasMomentum*");
    }

    [Fact]
    public void AtExplicitPosition_ReadsThePositionAndAtNaNTheProgress()
    {
        // Linear 1 → 0 over 10: at position 5 it is 0.5, at step 2 (a NaN position) 0.8; the rate is then times the factor 0.5.
        // Momentum linear 0.9 → 0.8 over 10: 0.85 at 5, 0.88 at step 2.
        var optimizer = new OptimizerSchedule([Schedule.Linear(1, 0, 10)], [Schedule.Linear(0.9, 0.8, 10)]);
        TrainingProgress progress = TrainingProgress.AtStep(2);

        Approx.Equal(0.5 * 0.5, optimizer.GetLearningRateAt(0, progress, 5, [0.5]));
        Approx.Equal(0.8 * 0.5, optimizer.GetLearningRateAt(0, progress, double.NaN, [0.5]));
        Approx.Equal(0.85, optimizer.GetMomentumAt(0, progress, 5));
        Approx.Equal(0.88, optimizer.GetMomentumAt(0, progress, double.NaN));
    }
}
