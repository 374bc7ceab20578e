using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp.Tests.Finders;

public class LearningRateFinderTests
{
    [Fact]
    public void Run_Exponential_SetsEveryGroupToStartTimesRatioToTheStepOverStepsMinusOne()
    {
        const int Steps = 20;
        const double Start = 1e-4, End = 2.0;
        using var model = Scripted(out Tensor input);
        using var sgd = SGD([new SGD.ParamGroup([model.weight], lr: 0.3), new SGD.ParamGroup([model.bias!], lr: 0.7)], 0.1);
        var seen = new List<double[]>();

        var result = LearningRateFinder.Run(
            model,
            sgd,
            i =>
            {
                seen.Add([.. sgd.ParamGroups.Select(g => g.LearningRate)]);
                return Constant(model, input, 1.0);
            },
            new LearningRateFinderOptions { StartLearningRate = Start, EndLearningRate = End, Steps = Steps });

        result.StopReason.Should().Be(LearningRateFinderStopReason.Completed);
        result.StopLearningRate.Should().Be(double.NaN);
        result.LearningRates.Should().HaveCount(Steps);
        for (int i = 0; i < Steps - 1; i++)
        {
            result.LearningRates[i].Should().Be(Start * Math.Pow(End / Start, i / (Steps - 1.0)), "step {0} follows the formula", i);
        }

        result.LearningRates[0].Should().Be(Start);
        result.LearningRates[^1].Should().Be(End, "the last step runs at the end rate exactly");
        seen.Select(rates => rates[0]).Should().Equal(result.LearningRates, "group 0 ran at each recorded rate");
        seen.Select(rates => rates[1]).Should().Equal(result.LearningRates, "group 1 ran at each recorded rate");
        sgd.ParamGroups.Select(g => g.LearningRate).Should().Equal(0.3, 0.7);
    }

    [Fact]
    public void Run_Linear_SetsStartPlusTheStepsShareOfTheRange()
    {
        const int Steps = 7;
        const double Start = 0.01, End = 0.5;
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);
        var seen = new List<double>();

        var result = LearningRateFinder.Run(
            model,
            sgd,
            i =>
            {
                seen.Add(sgd.ParamGroups.Single().LearningRate);
                return Constant(model, input, 1.0);
            },
            new LearningRateFinderOptions { StartLearningRate = Start, EndLearningRate = End, Steps = Steps, Mode = LearningRateSweepMode.Linear });

        for (int i = 0; i < Steps - 1; i++)
        {
            result.LearningRates[i].Should().Be(Start + ((End - Start) * (i / (Steps - 1.0))));
        }

        result.LearningRates[^1].Should().Be(End);
        seen.Should().Equal(result.LearningRates);
    }

    [Fact]
    public void Run_ScriptedLosses_SmoothsWithBiasCorrectedMovingAverage()
    {
        const double Beta = 0.9;
        double[] script = [2, 0.5, 3.25, 1, 4, 0.25];
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);

        var result = LearningRateFinder.Run(
            model,
            sgd,
            i => Constant(model, input, script[i]),
            new LearningRateFinderOptions { Steps = script.Length, SmoothingBeta = Beta, DivergenceThreshold = null });

        result.Losses.Should().Equal(script);
        var smoothed = result.SmoothedLosses;

        // The first two in closed form: s0 = x0; s1 = (β(1-β)x0 + (1-β)x1) / (1 - β²) = (β·x0 + x1) / (1 + β).
        smoothed[0].Should().Be(2);
        smoothed[1].Should().BeApproximately(((Beta * 2) + 0.5) / (1 + Beta), 1e-15);

        // All by the recurrence a_i = β·a_(i-1) + (1-β)·x_i from a_(-1) = 0, s_i = a_i / (1 - β^(i+1)).
        double average = 0;
        for (int i = 0; i < script.Length; i++)
        {
            average = (Beta * average) + ((1 - Beta) * script[i]);
            smoothed[i].Should().BeApproximately(average / (1 - Math.Pow(Beta, i + 1)), 1e-15);
        }
    }

    [Fact]
    public void Run_DefaultSmoothing_IsFastaisBeta()
    {
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);

        var result = LearningRateFinder.Run(model, sgd, i => Constant(model, input, i == 0 ? 1.0 : 0.0), new LearningRateFinderOptions { Steps = 2 });

        // s1 = (0.98 · 0.02 · 1 + 0.02 · 0) / (1 - 0.98²) = 0.98 / 1.98.
        result.SmoothedLosses[1].Should().BeApproximately(0.98 / 1.98, 1e-15);
    }

    [Fact]
    public void Run_UnsmoothedLossAboveFourTimesTheBest_StopsAtThatStep()
    {
        double[] script = [1, 0.5, 0.75, 1.5, 2.5, 3, 0.1, 0.1];
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);
        int calls = 0;

        var result = LearningRateFinder.Run(
            model,
            sgd,
            i =>
            {
                calls++;
                return Constant(model, input, script[i]);
            },
            new LearningRateFinderOptions { Steps = script.Length, SmoothingBeta = 0 });

        // Best 0.5 from step 1 on; step 4's 2.5 is the first above 4 · 0.5 = 2 (step 3's 1.5 is not).
        result.StopReason.Should().Be(LearningRateFinderStopReason.Diverged);
        result.Losses.Should().Equal(1, 0.5, 0.75, 1.5, 2.5);
        result.StopLearningRate.Should().Be(result.LearningRates[4]);
        calls.Should().Be(5);
    }

    [Fact]
    public void Run_DefaultSmoothingAndThreshold_StopAtTheFirstSmoothedLossAboveFourTimesTheBest()
    {
        const double Beta = 0.98, Jump = 1000;
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);

        var result = LearningRateFinder.Run(model, sgd, i => Constant(model, input, i < 10 ? 1.0 : Jump), new LearningRateFinderOptions { Steps = 50 });

        // Ten losses of 1 smooth to exactly 1 (best 1); then a_10 = β(1 - β^10) + (1 - β)·1000 and s_10 = a_10 / (1 - β^11).
        double s10 = ((Beta * (1 - Math.Pow(Beta, 10))) + ((1 - Beta) * Jump)) / (1 - Math.Pow(Beta, 11));
        s10.Should().BeGreaterThan(4, "the premise: step 10 diverges");
        result.StopReason.Should().Be(LearningRateFinderStopReason.Diverged);
        result.LearningRates.Should().HaveCount(11);
        result.SmoothedLosses[10].Should().BeApproximately(s10, 1e-12);
    }

    [Fact]
    public void Run_NoThreshold_RunsEveryStepThroughARise()
    {
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);

        var result = LearningRateFinder.Run(
            model, sgd, i => Constant(model, input, i < 3 ? 1.0 : 1e6), new LearningRateFinderOptions { Steps = 12, DivergenceThreshold = null });

        result.StopReason.Should().Be(LearningRateFinderStopReason.Completed);
        result.Losses.Should().HaveCount(12);
    }

    [Fact]
    public void Run_LossNeverPositive_DoesNotStopOnTheRatio()
    {
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);

        // 4 · best is below best for a negative best, so fastai's rule alone would stop at step 0.
        var result = LearningRateFinder.Run(model, sgd, i => Constant(model, input, -1.0 - i), new LearningRateFinderOptions { Steps = 5 });

        result.StopReason.Should().Be(LearningRateFinderStopReason.Completed);
        result.Losses.Should().HaveCount(5);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Run_NonFiniteLoss_StopsBeforeThatStepAndSaysSo(double bad)
    {
        const int Steps = 10;
        const double Start = 1e-3, End = 1;
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);
        int calls = 0;

        var result = LearningRateFinder.Run(
            model,
            sgd,
            i =>
            {
                calls++;
                return Constant(model, input, i == 2 ? bad : 1.0);
            },
            new LearningRateFinderOptions { StartLearningRate = Start, EndLearningRate = End, Steps = Steps });

        result.StopReason.Should().Be(LearningRateFinderStopReason.NonFiniteLoss);
        result.Losses.Should().Equal(1.0, 1.0);
        result.StopLearningRate.Should().Be(Start * Math.Pow(End / Start, 2 / (Steps - 1.0)));
        calls.Should().Be(3);
    }

    [Fact]
    public void Run_ScriptedLinearCurve_GivesEachToolsSuggestion()
    {
        const int Steps = 100;
        double[] curve = SuggestionCurves.Designed();
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);

        var result = LearningRateFinder.Run(
            model,
            sgd,
            i => Constant(model, input, curve[i]),
            new LearningRateFinderOptions { Steps = Steps, Mode = LearningRateSweepMode.Linear, SmoothingBeta = 0, DivergenceThreshold = null });

        result.SmoothedLosses.Should().Equal(curve, "with β = 0 the smoothed curve is the scripted one");
        var lrs = result.LearningRates;

        // On even spacing h the central gradient is (f[i+1] - f[i-1]) / 2h: -1.1/2h at 40, -1.3/2h at 41, -0.4/2h at 42, -0.2/2h elsewhere on the slope.
        result.Steepest.Should().Be(new LearningRateSuggestion(41, lrs[41]));

        // The curve falls until 60 and rises after; fastai suggests a tenth of that point's rate.
        result.MinimumOverTen.Should().Be(new LearningRateSuggestion(60, lrs[60] / 10));

        // Window [10, 95): L = 42 (one plateau point, then 20..60), ending at window index 50; 50 - 42 + 14 + 7 = 29, point 39.
        result.Valley.Should().Be(new LearningRateSuggestion(39, lrs[39]));
    }

    [Fact]
    public void Run_ShortCurve_HasNoSuggestions()
    {
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);

        var result = LearningRateFinder.Run(model, sgd, i => Constant(model, input, 1.0 - (0.1 * i)), new LearningRateFinderOptions { Steps = 5 });

        // Lightning skips the first 10 points and fastai the last 5: five points leave neither a window.
        result.Steepest.Should().BeNull();
        result.MinimumOverTen.Should().BeNull();
        result.Valley.Should().BeNull();
    }

    [Fact]
    public void Run_SgdWithMomentum_RestoresEveryParameterBufferGradientAndMomentumBitForBit()
    {
        using var model = Mlp(1);
        using var sgd = SGD(model.parameters(), 0.05, momentum: 0.9, weight_decay: 1e-4);
        using var data = Data(2);
        Train(model, sgd, data, 3);
        var before = TrainingState.Of(model, sgd);
        before.OptimizerTensors.Should().AllSatisfy(t => t.Should().NotBeNull(), "the momentum buffers exist after training");
        bool moved = false;

        var result = LearningRateFinder.Run(model, sgd, i =>
        {
            moved |= i == 30 && !TrainingState.Of(model, sgd).Parameters[0].AsSpan().SequenceEqual(before.Parameters[0]);
            return data.Loss(model, i);
        }, new LearningRateFinderOptions { Steps = 40 });

        moved.Should().BeTrue("the sweep trains the model, so the restore has something to undo");
        result.Losses.Count.Should().BeGreaterThan(30);
        TrainingState.Of(model, sgd).ShouldEqual(before);
    }

    [Fact]
    public void Run_FreshSgdWithMomentum_LeavesNoMomentumBufferAndNoGradient()
    {
        using var model = Mlp(3);
        using var sgd = SGD(model.parameters(), 0.05, momentum: 0.9);
        using var data = Data(4);
        var before = TrainingState.Of(model, sgd);
        before.OptimizerTensors.Should().AllSatisfy(t => t.Should().BeNull());
        before.Gradients.Should().AllSatisfy(t => t.Should().BeNull());

        LearningRateFinder.Run(model, sgd, i => data.Loss(model, i), new LearningRateFinderOptions { Steps = 20 });

        TrainingState.Of(model, sgd).ShouldEqual(before);
    }

    [Fact]
    public void Run_AmsGradAdam_RestoresMomentsStepCountsAndRatesBitForBit()
    {
        using var model = Mlp(5);
        using var adam = Adam(model.parameters(), lr: 0.01, amsgrad: true);
        using var data = Data(6);
        Train(model, adam, data, 4);
        var before = TrainingState.Of(model, adam);
        before.OptimizerSteps.Should().AllSatisfy(s => s.Should().Be(4));

        LearningRateFinder.Run(model, adam, i => data.Loss(model, i), new LearningRateFinderOptions { Steps = 40 });

        TrainingState.Of(model, adam).ShouldEqual(before);
    }

    [Fact]
    public void Run_AfterASweep_TrainingContinuesExactlyAsWithoutIt()
    {
        using var swept = Mlp(7);
        using var twin = Mlp(7);
        using var sweptAdam = Adam(swept.parameters(), lr: 0.01);
        using var twinAdam = Adam(twin.parameters(), lr: 0.01);
        using var data = Data(8);
        Train(swept, sweptAdam, data, 2);
        Train(twin, twinAdam, data, 2);

        LearningRateFinder.Run(swept, sweptAdam, i => data.Loss(swept, i), new LearningRateFinderOptions { Steps = 30 });
        Train(swept, sweptAdam, data, 3);
        Train(twin, twinAdam, data, 3);

        TrainingState.Of(swept, sweptAdam).ShouldEqual(TrainingState.Of(twin, twinAdam));
    }

    [Fact]
    public void Run_TrainingLossThrowsMidway_RethrowsAndRestoresBitForBit()
    {
        using var model = Mlp(9);
        using var adam = Adam(model.parameters(), lr: 0.01);
        using var data = Data(10);
        Train(model, adam, data, 2);
        var before = TrainingState.Of(model, adam);
        var failure = new InvalidOperationException("loader broke");

        var act = () => LearningRateFinder.Run(model, adam, i => i == 7 ? throw failure : data.Loss(model, i));

        act.Should().Throw<InvalidOperationException>().Which.Should().BeSameAs(failure);
        TrainingState.Of(model, adam).ShouldEqual(before);
    }

    [Fact]
    public void Run_InsideCallersDisposeScope_LeavesTheOptimizerUsableAfterTheScope()
    {
        using var model = Mlp(11);
        using var sgd = SGD(model.parameters(), 0.05, momentum: 0.9);
        using var data = Data(12);
        Train(model, sgd, data, 2);
        var before = TrainingState.Of(model, sgd);

        using (NewDisposeScope())
        {
            LearningRateFinder.Run(model, sgd, i => data.Loss(model, i), new LearningRateFinderOptions { Steps = 10 });
        }

        TrainingState.Of(model, sgd).ShouldEqual(before);
        var act = () => Train(model, sgd, data, 1);
        act.Should().NotThrow("the restored momentum buffers belong to the optimizer, not to the caller's scope");
    }

    [Fact]
    public void Run_NonScalarLoss_ThrowsAndRestores()
    {
        using var model = Mlp(13);
        using var sgd = SGD(model.parameters(), 0.05, momentum: 0.9);
        using var data = Data(14);
        Train(model, sgd, data, 1);
        var before = TrainingState.Of(model, sgd);

        var act = () => LearningRateFinder.Run(model, sgd, i => i < 3 ? data.Loss(model, i) : model.forward(data.Inputs));

        act.Should().Throw<InvalidOperationException>().WithMessage("*shape [64, 1] at step 3*one element*restored*");
        TrainingState.Of(model, sgd).ShouldEqual(before);
    }

    [Fact]
    public void Run_LossWithoutGradient_Throws()
    {
        using var model = Scripted(out _);
        using var sgd = SGD(model.parameters(), 0.1);

        var act = () => LearningRateFinder.Run(model, sgd, i => tensor(1.0));

        act.Should().Throw<InvalidOperationException>().WithMessage("*does not require a gradient at step 0*");
    }

    [Fact]
    public void Run_BrokenOptions_ListsEveryBrokenRule()
    {
        using var model = Scripted(out _);
        using var sgd = SGD(model.parameters(), 0.1);
        var options = new LearningRateFinderOptions
        {
            StartLearningRate = 0,
            EndLearningRate = double.PositiveInfinity,
            Steps = 1,
            Mode = (LearningRateSweepMode)7,
            SmoothingBeta = 1,
            DivergenceThreshold = 1,
        };

        var act = () => LearningRateFinder.Run(model, sgd, i => throw new InvalidOperationException("never called"), options);

        act.Should().Throw<ArgumentException>().WithParameterName("options")
            .WithMessage("*'options.StartLearningRate' is 0; it must be a finite number greater than zero*")
            .WithMessage("*'options.EndLearningRate' is Infinity; it must be a finite number greater than StartLearningRate.*")
            .WithMessage("*'options.Steps' is 1; it must be 2 or more*")
            .WithMessage("*'options.Mode' is 7*")
            .WithMessage("*'options.SmoothingBeta' is 1; it must be from 0 up to, not including, 1*")
            .WithMessage("*'options.DivergenceThreshold' is 1; it must be a finite number greater than 1, or null*");
    }

    [Fact]
    public void Run_EndNotAboveStart_NamesTheStart()
    {
        using var model = Scripted(out _);
        using var sgd = SGD(model.parameters(), 0.1);

        var act = () => LearningRateFinder.Run(model, sgd, i => throw new InvalidOperationException("never called"), new LearningRateFinderOptions { StartLearningRate = 0.1, EndLearningRate = 0.1 });

        act.Should().Throw<ArgumentException>().WithParameterName("options").WithMessage("'options.EndLearningRate' is 0.1; it must be a finite number greater than StartLearningRate, 0.1.*");
    }

    [Fact]
    public void Run_NativeOptimizer_IsRefused()
    {
        using var model = Scripted(out _);
        using var lbfgs = LBFGS(model.parameters());

        var act = () => LearningRateFinder.Run(model, lbfgs, i => throw new InvalidOperationException("never called"));

        act.Should().Throw<ArgumentException>().WithParameterName("optimizer").WithMessage("*LBFGS*OptimizerHelper*");
    }

    // A one-weight float64 model whose loss is a chosen constant: the loss is c + 0 · output, so it has a gradient (of zero) and its value is c exactly.
    private static Linear Scripted(out Tensor input)
    {
        random.manual_seed(0);
        input = ones(1, 2, dtype: ScalarType.Float64);
        return nn.Linear(2, 1, dtype: ScalarType.Float64);
    }

    private static Tensor Constant(Linear model, Tensor input, double value) => (model.forward(input).sum() * 0.0) + value;

    private static Sequential Mlp(int seed)
    {
        random.manual_seed(seed);
        return nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 1));
    }

    private static Regression Data(int seed) => new(seed);

    private static void Train(nn.Module<Tensor, Tensor> model, Optimizer optimizer, Regression data, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            data.Loss(model, i).backward();
            optimizer.step();
        }
    }

    /// <summary>A seeded synthetic regression set, y = x·w + 0.1·noise, in batches of 64 that cycle.</summary>
    private sealed class Regression : IDisposable
    {
        private readonly Tensor _x;
        private readonly Tensor _y;

        public Regression(int seed)
        {
            random.manual_seed(seed);
            _x = randn(512, 4);
            using var w = tensor(new[] { 1.5f, -2f, 0.5f, 3f }).reshape(4, 1);
            using var noise = randn(512, 1);
            _y = _x.matmul(w) + (0.1f * noise);
            Inputs = _x.narrow(0, 0, 64);
        }

        public Tensor Inputs { get; }

        public Tensor Loss(nn.Module<Tensor, Tensor> model, int batch)
        {
            long start = batch % 8 * 64;
            return nn.functional.mse_loss(model.forward(_x.narrow(0, start, 64)), _y.narrow(0, start, 64));
        }

        public void Dispose()
        {
            Inputs.Dispose();
            _x.Dispose();
            _y.Dispose();
        }
    }

    [Fact]
    public void Run_WithALogger_LogsTheResultAsEvent100()
    {
        using var model = Scripted(out Tensor input);
        using var sgd = SGD(model.parameters(), 0.1);
        var logger = new BatchLr.Core.Tests.TestSupport.CollectingLogger();

        var result = LearningRateFinder.Run(model, sgd, _ => Constant(model, input, 1.0), new LearningRateFinderOptions { Steps = 5, Logger = logger });

        var entry = logger.Entries.Should().ContainSingle().Subject;
        entry.Id.Id.Should().Be(100);
        entry.Id.Name.Should().Be("LearningRateFinderResult");
        entry.Values["Points"].Should().Be(result.LearningRates.Count);
        entry.Values["StopReason"].Should().Be(result.StopReason);
    }
}
