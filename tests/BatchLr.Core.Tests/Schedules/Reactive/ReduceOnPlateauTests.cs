using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using BatchLr.Feedback;
using BatchLr.Core.Tests.TestSupport;
using BatchLr.Schedules;

namespace BatchLr.Core.Tests.Schedules.Reactive;

/// <summary>Tests of <see cref="ReduceOnPlateau"/>. PyTorch's sequences come from test/optim/test_lrscheduler.py, where
/// <c>_test_reduce_lr_on_plateau</c> reports <c>metrics[epoch]</c> and then checks <c>targets[epoch]</c>; every group starts at 0.5.</summary>
public class ReduceOnPlateauTests
{
    private static void AssertRun(ReduceOnPlateauOptions options, double[] metrics, IReadOnlyList<IReadOnlyList<double>> targets, int epochs)
    {
        var plateau = new ReduceOnPlateau(options, targets.Select(_ => 0.5).ToArray());
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            plateau.Report(metrics[epoch]);
            for (int g = 0; g < targets.Count; g++)
            {
                Approx.Equal(targets[g][epoch], plateau.GetLearningRate(g), because: "epoch " + epoch + ", group " + g);
            }
        }
    }

    [Fact]
    public void Report_PyTorchTestReduceLrOnPlateau1_AbsMinWithCooldownNeverReduces()
    {
        // test_reduce_lr_on_plateau1: abs, min, threshold 0.01, patience 5, cooldown 5; metrics 10 - 0.0167 i; [0.5] * 20 (epochs 10).
        AssertRun(new() { ThresholdMode = ThresholdMode.Absolute, Mode = PlateauMode.Min, Threshold = 0.01, Patience = 5, Cooldown = 5 },
            Enumerable.Range(0, 20).Select(i => 10 - (i * 0.0167)).ToArray(), [[.. Approx.Repeat(0.5, 20)]], 10);
    }

    [Fact]
    public void Report_PyTorchTestReduceLrOnPlateau2_AbsMinReducesEverySixReports()
    {
        // test_reduce_lr_on_plateau2: patience 5, cooldown 0, abs, min, threshold 0.1; metrics 10 - 0.0165 i;
        // targets [0.5] * 6 + [0.05] * 7 + [0.005] * 7 + [0.0005] * 2, 22 epochs.
        AssertRun(new() { Patience = 5, Cooldown = 0, ThresholdMode = ThresholdMode.Absolute, Mode = PlateauMode.Min, Threshold = 0.1 },
            Enumerable.Range(0, 22).Select(i => 10 - (i * 0.0165)).ToArray(),
            [[.. Approx.Repeat(0.5, 6), .. Approx.Repeat(0.05, 7), .. Approx.Repeat(0.005, 7), .. Approx.Repeat(0.0005, 2)]], 22);
    }

    [Fact]
    public void Report_PyTorchTestReduceLrOnPlateau3_AbsMaxWithCooldown()
    {
        // test_reduce_lr_on_plateau3: max, patience 5, cooldown 5, abs (threshold 1e-4); metrics [-0.8] * 2 + [-0.234] * 20;
        // targets [0.5] * (2 + 6) + [0.05] * (5 + 6) + [0.005] * 4, 22 epochs.
        AssertRun(new() { Mode = PlateauMode.Max, Patience = 5, Cooldown = 5, ThresholdMode = ThresholdMode.Absolute },
            [.. Approx.Repeat(-0.8, 2), .. Approx.Repeat(-0.234, 20)],
            [[.. Approx.Repeat(0.5, 8), .. Approx.Repeat(0.05, 11), .. Approx.Repeat(0.005, 4)]], 22);
    }

    [Fact]
    public void Report_PyTorchTestReduceLrOnPlateau4_RelMaxImprovingNeverReduces()
    {
        // test_reduce_lr_on_plateau4: max, patience 3, rel, threshold 0.1; metrics 1.5 · 1.025^i; [0.5] * 20.
        AssertRun(new() { Mode = PlateauMode.Max, Patience = 3, ThresholdMode = ThresholdMode.Relative, Threshold = 0.1 },
            Enumerable.Range(0, 20).Select(i => 1.5 * Math.Pow(1.025, i)).ToArray(), [[.. Approx.Repeat(0.5, 20)]], 20);
    }

    [Fact]
    public void Report_PyTorchTestReduceLrOnPlateau5_RelMaxWithCooldown()
    {
        // test_reduce_lr_on_plateau5: max, rel, threshold 0.1, patience 5, cooldown 5; metrics 1.5 · 1.005^i;
        // targets [0.5] * 6 + [0.05] * (5 + 6) + [0.005] * 4.
        AssertRun(new() { Mode = PlateauMode.Max, ThresholdMode = ThresholdMode.Relative, Threshold = 0.1, Patience = 5, Cooldown = 5 },
            Enumerable.Range(0, 20).Select(i => 1.5 * Math.Pow(1.005, i)).ToArray(),
            [[.. Approx.Repeat(0.5, 6), .. Approx.Repeat(0.05, 11), .. Approx.Repeat(0.005, 4)]], 20);
    }

    [Fact]
    public void Report_PyTorchTestReduceLrOnPlateau6_RelMinImprovingNeverReduces()
    {
        // test_reduce_lr_on_plateau6: min, rel, threshold 0.1 (patience 10); metrics 1.5 · 0.85^i; [0.5] * 20.
        AssertRun(new() { Mode = PlateauMode.Min, ThresholdMode = ThresholdMode.Relative, Threshold = 0.1 },
            Enumerable.Range(0, 20).Select(i => 1.5 * Math.Pow(0.85, i)).ToArray(), [[.. Approx.Repeat(0.5, 20)]], 20);
    }

    [Fact]
    public void Report_PyTorchTestReduceLrOnPlateau7_RelMinWithCooldown()
    {
        // test_reduce_lr_on_plateau7: min, rel, threshold 0.1, patience 5, cooldown 5; metrics [1] * 7 + [0.6] + [0.5] * 12;
        // targets [0.5] * 6 + [0.05] * (5 + 6) + [0.005] * 4.
        AssertRun(new() { Mode = PlateauMode.Min, ThresholdMode = ThresholdMode.Relative, Threshold = 0.1, Patience = 5, Cooldown = 5 },
            [.. Approx.Repeat(1, 7), 0.6, .. Approx.Repeat(0.5, 12)],
            [[.. Approx.Repeat(0.5, 6), .. Approx.Repeat(0.05, 11), .. Approx.Repeat(0.005, 4)]], 20);
    }

    [Fact]
    public void Report_PyTorchTestReduceLrOnPlateau8_MinLrPerGroup()
    {
        // test_reduce_lr_on_plateau8: max, rel, min_lr [0.4, 0.3], threshold 0.1, patience 5, cooldown 5; metrics 1.5 · 1.005^i;
        // targets [0.5] * 6 + [0.4] * 14 and [0.5] * 6 + [0.3] * 14.
        AssertRun(new() { Mode = PlateauMode.Max, ThresholdMode = ThresholdMode.Relative, MinLearningRates = [0.4, 0.3], Threshold = 0.1, Patience = 5, Cooldown = 5 },
            Enumerable.Range(0, 20).Select(i => 1.5 * Math.Pow(1.005, i)).ToArray(),
            [[.. Approx.Repeat(0.5, 6), .. Approx.Repeat(0.4, 14)], [.. Approx.Repeat(0.5, 6), .. Approx.Repeat(0.3, 14)]], 20);
    }

    [Fact]
    public void Report_ReductionNotMoreThanEps_IsSkipped()
    {
        // PyTorch's _reduce_lr: new_lr = max(old_lr * factor, min_lr); applied only if old_lr - new_lr > eps.
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions { Patience = 0, Factor = 0.5, Eps = 1e-3 }, [1e-3, 1.0]);

        plateau.Report(1.0);
        plateau.Report(2.0).Should().BeTrue("group 1 drops by 0.5 > eps");

        plateau.GetLearningRate(0).Should().Be(1e-3, "a drop of 5e-4 is not more than eps 1e-3");
        plateau.GetLearningRate(1).Should().Be(0.5);
    }

    [Fact]
    public void Report_OnlySkippedReductions_ReturnsFalse()
    {
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions { Patience = 0 }, [1e-8]);

        plateau.Report(1.0).Should().BeFalse();
        plateau.Report(2.0).Should().BeFalse("0.1 · 1e-8 is a change of 9e-9, not more than the default eps 1e-8");
        plateau.GetLearningRate(0).Should().Be(1e-8);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Report_NonFiniteMetric_ThrowsAndLeavesStateUnchanged(double metric)
    {
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions { Patience = 1 }, [0.5, 0.1]);
        plateau.Report(1.0);
        plateau.Report(1.5);
        string before = JsonSerializer.Serialize(plateau.State);

        Action act = () => plateau.Report(metric);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(metric)).WithMessage("*'metric' is*finite*");
        JsonSerializer.Serialize(plateau.State).Should().Be(before);
        plateau.Report(1.6).Should().BeTrue("the refused metric did not count as a bad report, so this is the second");
    }

    [Fact]
    public void State_SerializedAtEveryReport_ResumesToIdenticalSequence()
    {
        var options = new ReduceOnPlateauOptions { Mode = PlateauMode.Min, Factor = 0.5, Patience = 3, Cooldown = 2, Threshold = 0.01, MinLearningRates = [1e-4, 1e-5] };
        double[] initial = [0.1, 0.02];

        // A scripted loss: falls, plateaus with noise, falls again; deterministic.
        double[] metrics = Enumerable.Range(0, 200).Select(i => (5.0 / (1 + (i / 20))) + (0.05 * Math.Sin(i * 1.7))).ToArray();

        var reference = new ReduceOnPlateau(options, initial);
        var expected = new List<(bool Reduced, double Lr0, double Lr1)>();
        var snapshots = new List<string>();
        foreach (double m in metrics)
        {
            snapshots.Add(JsonSerializer.Serialize(reference.State));
            bool reduced = reference.Report(m);
            expected.Add((reduced, reference.GetLearningRate(0), reference.GetLearningRate(1)));
        }

        expected.Count(e => e.Reduced).Should().BeGreaterThan(2, "the script must exercise reductions");
        for (int cut = 0; cut < metrics.Length; cut++)
        {
            var state = JsonSerializer.Deserialize<ReduceOnPlateauState>(snapshots[cut])!;
            var resumed = new ReduceOnPlateau(options, state);
            for (int i = cut; i < metrics.Length; i++)
            {
                bool reduced = resumed.Report(metrics[i]);
                (reduced, resumed.GetLearningRate(0), resumed.GetLearningRate(1)).Should().Be(expected[i], "resumed at report {0}, report {1}", cut, i);
            }
        }
    }

    [Fact]
    public void Constructor_TwoBrokenOptions_ReportsBothInOneMessage()
    {
        var options = new ReduceOnPlateauOptions { Factor = 1.5, Patience = -1 };

        Action act = () => _ = new ReduceOnPlateau(options, [0.1]);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("*'options.Factor' is 1.5; it must be greater than zero and less than 1*")
            .WithMessage("*'options.Patience' is -1; it must be zero or more*");
    }

    [Fact]
    public void Constructor_BadOptions_NamesEachRule()
    {
        AssertOption(new() { Threshold = double.NaN }, "*'options.Threshold' is NaN*finite number zero or more*");
        AssertOption(new() { Cooldown = -2 }, "*'options.Cooldown' is -2*zero or more*");
        AssertOption(new() { Eps = -1 }, "*'options.Eps' is -1*zero or more*");
        AssertOption(new() { Mode = (PlateauMode)7 }, "*'options.Mode' is 7*Min, Max*");
        AssertOption(new() { ThresholdMode = (ThresholdMode)9 }, "*'options.ThresholdMode' is 9*Relative, Absolute*");
        AssertOption(new() { MinLearningRates = [0.1, 0.2, 0.3] }, "*'options.MinLearningRates.Count' is 3*1, or the number of parameter groups, 1*");
        AssertOption(new() { MinLearningRates = [-1] }, "*'options.MinLearningRates[0]' is -1*zero or more*");

        static void AssertOption(ReduceOnPlateauOptions broken, string message)
        {
            Action act = () => _ = new ReduceOnPlateau(broken, [0.1]);
            act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage(message);
        }
    }

    [Fact]
    public void Constructor_BadState_NamesTheField()
    {
        var options = new ReduceOnPlateauOptions();

        ((Action)(() => _ = new ReduceOnPlateau(options, new ReduceOnPlateauState([0.1], double.NaN, 0, 0, 0)))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state.Best");
        ((Action)(() => _ = new ReduceOnPlateau(options, new ReduceOnPlateauState([0.1], null, -1, 0, 0)))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state.BadReports");
        ((Action)(() => _ = new ReduceOnPlateau(options, new ReduceOnPlateauState([0.1], null, 0, -1, 0)))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state.CooldownLeft");
        ((Action)(() => _ = new ReduceOnPlateau(options, new ReduceOnPlateauState([0.1], null, 0, 0, -1)))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state.Reports");
        ((Action)(() => _ = new ReduceOnPlateau(options, [double.NaN]))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*NaN*finite number zero or more*");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void Report_MinRelativeThresholdOneOrMore_NoReportEverImprovesAsInPyTorch(double threshold)
    {
        // PyTorch starts best at mode_worse = +inf and tests a < best · (1 - threshold): inf · 0 is NaN and inf · (negative) is
        // -inf, so no report is ever better, even a falling (or negative) one; with patience 2 every third report reduces.
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions { Mode = PlateauMode.Min, ThresholdMode = ThresholdMode.Relative, Threshold = threshold, Patience = 2, Factor = 0.5 }, [0.4]);
        double[] metrics = [5, 4, 3, 2, 1, 0, -1, -2, -3];

        for (int k = 1; k <= metrics.Length; k++)
        {
            plateau.Report(metrics[k - 1]);
            plateau.GetLearningRate(0).Should().Be(0.4 * Math.Pow(0.5, k / 3), "after report {0}", k);
        }

        plateau.State.Best.Should().BeNull("PyTorch's best stays +inf");
    }

    [Fact]
    public void Report_MaxRelativeLargeThreshold_FirstReportImprovesOnMinusInfinity()
    {
        // In max mode PyTorch's best starts at -inf and -inf · (1 + threshold) is -inf, so the first report is better; after it
        // a report must exceed best · 3: 1 > 3 fails twice and patience 1 reduces at the third report.
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions { Mode = PlateauMode.Max, ThresholdMode = ThresholdMode.Relative, Threshold = 2, Patience = 1, Factor = 0.5 }, [0.4]);

        plateau.Report(1);
        plateau.State.Best.Should().Be(1);
        plateau.Report(1);
        plateau.GetLearningRate(0).Should().Be(0.4);
        plateau.Report(1);
        plateau.GetLearningRate(0).Should().Be(0.2);
    }

    [Fact]
    public void GetLearningRate_BadGroup_ThrowsNamingGroup()
    {
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions(), [0.1, 0.2]);

        ((Action)(() => plateau.GetLearningRate(2))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("group").WithMessage("*'group' is 2*from 0 to 1*");
    }

    [Fact]
    public void Constructor_NullOrEmptyInitialRates_NamesTheCallersParameter()
    {
        var nullRates = () => new ReduceOnPlateau(new ReduceOnPlateauOptions(), (System.Collections.Generic.IReadOnlyList<double>)null!);
        var emptyRates = () => new ReduceOnPlateau(new ReduceOnPlateauOptions(), System.Array.Empty<double>());
        var nanRate = () => new ReduceOnPlateau(new ReduceOnPlateauOptions(), [0.1, double.NaN]);

        nullRates.Should().Throw<System.ArgumentNullException>().WithParameterName("initialLearningRates");
        emptyRates.Should().Throw<System.ArgumentException>().WithParameterName("initialLearningRates");
        nanRate.Should().Throw<System.ArgumentOutOfRangeException>().WithParameterName("initialLearningRates[1]");
    }

    [Fact]
    public void Constructor_NullOptionsOrState_NamesTheParameter()
    {
        var nullOptions = () => new ReduceOnPlateau(null!, [0.1]);
        var nullState = () => new ReduceOnPlateau(new ReduceOnPlateauOptions(), (ReduceOnPlateauState)null!);

        nullOptions.Should().Throw<ArgumentNullException>().WithParameterName("options");
        nullState.Should().Throw<ArgumentNullException>().WithParameterName("state");
    }

    [Fact]
    public void Constructor_StateWithNullOrNoRates_NamesStateLearningRates()
    {
        var nullRates = () => new ReduceOnPlateau(new ReduceOnPlateauOptions(), new ReduceOnPlateauState(null!, null, 0, 0, 0));
        var noRates = () => new ReduceOnPlateau(new ReduceOnPlateauOptions(), new ReduceOnPlateauState([], null, 0, 0, 0));

        nullRates.Should().Throw<ArgumentNullException>().WithParameterName("state.LearningRates");
        noRates.Should().Throw<ArgumentException>().WithParameterName("state.LearningRates")
            .WithMessage("'state.LearningRates' is empty; it must hold one learning rate per parameter group.*");
    }

    [Fact]
    public void Constructor_BadStateField_StatesTheValueAndTheRule()
    {
        var options = new ReduceOnPlateauOptions { LossWindow = 4 };

        AssertState(new ReduceOnPlateauState([0.1], double.PositiveInfinity, 0, 0, 0), "state.Best", "*'state.Best' is *; it must be a finite number or null.*");
        AssertState(new ReduceOnPlateauState([0.1], null, -1, 0, 0), "state.BadReports", "*'state.BadReports' is -1; it must be zero or more.*");
        AssertState(new ReduceOnPlateauState([0.1], null, 0, -2, 0), "state.CooldownLeft", "*'state.CooldownLeft' is -2; it must be zero or more.*");
        AssertState(new ReduceOnPlateauState([0.1], null, 0, 0, -3), "state.Reports", "*'state.Reports' is -3; it must be zero or more.*");
        AssertState(new ReduceOnPlateauState([0.1], null, 0, 0, 0, double.NaN), "state.LossSum", "*'state.LossSum' is NaN; it must be a finite number.*");
        AssertState(new ReduceOnPlateauState([0.1], null, 0, 0, 0, 0, -1), "state.LossCount", "*'state.LossCount' is -1; it must be zero or more and less than LossWindow, 4.*");
        AssertState(new ReduceOnPlateauState([0.1], null, 0, 0, 0, 0, 4), "state.LossCount", "*'state.LossCount' is 4; it must be zero or more and less than LossWindow, 4.*");

        void AssertState(ReduceOnPlateauState state, string name, string message)
        {
            Action act = () => _ = new ReduceOnPlateau(options, state);
            act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(name).WithMessage(message);
        }
    }

    [Fact]
    public void Constructor_StateOneLossShortOfAWindow_ReportsTheWindowAtTheNextLoss()
    {
        // LossCount may be LossWindow - 1: three losses summing to 3 are held, and the fourth, 1, completes the window of mean 1.
        var options = new ReduceOnPlateauOptions { Monitor = PlateauMonitor.TrainingLoss, LossWindow = 4 };
        var plateau = new ReduceOnPlateau(options, new ReduceOnPlateauState([0.1], null, 0, 0, 0, 3.0, 3));

        plateau.ObserveLoss(1.0).Should().BeFalse("one report is no plateau");

        plateau.State.Should().Be(new ReduceOnPlateauState([0.1], 1.0, 0, 0, 1, 0, 0));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void ObserveLoss_NonFiniteLoss_ThrowsAndLeavesStateUnchanged(double loss)
    {
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions { Monitor = PlateauMonitor.TrainingLoss, LossWindow = 3 }, [0.5]);
        plateau.ObserveLoss(2.0);
        ReduceOnPlateauState before = plateau.State;

        Action act = () => plateau.ObserveLoss(loss);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(loss))
            .WithMessage("*'loss' is *; it must be a finite number; a NaN or infinite loss would corrupt the window, so it is refused and the state is unchanged.*");
        plateau.State.Should().Be(before);
    }

    [Fact]
    public void Restore_NullState_NamesTheParameter()
    {
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions(), [0.1]);

        ((Action)(() => plateau.Restore(null!))).Should().Throw<ArgumentNullException>().WithParameterName("state");
    }

    [Fact]
    public void Restore_StateOfAnotherGroupCount_StatesBothCounts()
    {
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions(), [0.1, 0.2]);

        Action act = () => plateau.Restore(new ReduceOnPlateauState([0.1, 0.2, 0.3], null, 0, 0, 0));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state.LearningRates.Count")
            .WithMessage("*'state.LearningRates.Count' is 3; it must be the number of parameter groups, 2.*");
    }

    [Fact]
    public void Report_ReductionExactlyEps_IsSkipped()
    {
        // PyTorch applies a reduction only if old_lr - new_lr > eps: 1 - 0.5 = 0.5 is exactly eps (all three are exact doubles).
        var plateau = new ReduceOnPlateau(new ReduceOnPlateauOptions { Patience = 0, Factor = 0.5, Eps = 0.5 }, [1.0]);

        plateau.Report(1.0);
        plateau.Report(2.0).Should().BeFalse();

        plateau.GetLearningRate(0).Should().Be(1.0);
    }
}
