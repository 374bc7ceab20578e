using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using BatchLr.Batching;
using BatchLr.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp.Tests.Training;

/// <summary>What one planned step leaves behind after a fault: an exception, a cancellation, a non-finite loss or gradient.</summary>
public sealed class PlannedStepFaultTests : IDisposable
{
    private const long Samples = 60;
    private readonly Tensor _inputs;
    private readonly Tensor _targets;

    public PlannedStepFaultTests()
    {
        var generator = new Generator(31);
        _inputs = randn([Samples, 4], dtype: ScalarType.Float64, generator: generator);
        _targets = randn([Samples, 1], dtype: ScalarType.Float64, generator: generator);
    }

    public void Dispose()
    {
        _inputs.Dispose();
        _targets.Dispose();
    }

    /// <summary>A step of 12 samples in 3 micro-batches of 4, at a cosine rate of 0.1 over 20 steps, momentum 0.85 (SGD) or beta1 0.85 (Adam).</summary>
    private static TrainingPlanner Planner(int replicas = 1) => new(new TrainingPlannerOptions
    {
        Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.1, 0.0, 20)], [Schedule.Constant(0.85)]),
        BatchSize = BatchSizePolicy.Fixed(12 * replicas, new BatchSizeConstraints(replicas: replicas)),
        DatasetSize = Samples,
        MaxMicroBatchSize = 4,
    });

    private static Linear Model()
    {
        manual_seed(6);
        return nn.Linear(4, 1, dtype: ScalarType.Float64);
    }

    private static Func<IList<Tensor>, Tensor> Mse(Linear model) => batch => nn.functional.mse_loss(model.forward(batch[0]), batch[1]);

    private static double[] Weights(Linear model) => [.. model.weight!.data<double>().ToArray(), .. model.bias!.data<double>().ToArray()];

    /// <summary>The optimizer's whole saved state: each group's options (learning rate, momentum or betas) and each parameter's state (moments, step count).</summary>
    private static byte[] Saved(OptimizerHelper optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            optimizer.save_state_dict(writer);
        }

        return stream.ToArray();
    }

    private static double[] Gradients(Linear model) => [.. model.weight!.grad!.data<double>().ToArray(), .. model.bias!.grad!.data<double>().ToArray()];

    private static bool GradientsAreZero(Linear model) => model.parameters().All(p =>
    {
        using Tensor? grad = p.grad;
        return grad is null || grad.count_nonzero().ToInt64() == 0;
    });

    /// <summary>One good step first, so the optimizer has moments and a step count to lose, and its groups carry step 0's rate.</summary>
    private static (Linear Model, Adam Adam, TrainingPlanner Planner) Trained(PlannedLoader<IList<Tensor>> loader)
    {
        Linear model = Model();
        Adam adam = Adam(model.parameters(), 0.123, beta1: 0.95);
        TrainingPlanner planner = Planner();
        planner.Step(adam, loader, Mse(model)).Status.Should().Be(StepStatus.Applied);
        return (model, adam, planner);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Step_NonFiniteLossInTheSecondMicroBatch_SkipsTheUpdate_PassesTheSamplesOver_AndRunsNoThirdMicroBatch(double bad)
    {
        using var loader = PlannedLoader.FromTensors([_inputs, _targets], new PlannedLoaderOptions { Seed = 3 });
        (Linear model, Adam adam, TrainingPlanner planner) = Trained(loader);
        double[] weights = Weights(model);
        byte[] saved = Saved(adam);
        TrainingPlannerState before = planner.State;
        int calls = 0;

        StepReport report = planner.Step(adam, loader, batch =>
        {
            Tensor loss = Mse(model)(batch);
            return ++calls == 2 ? loss * bad : loss; // mse > 0, so the product is NaN, +inf or -inf as asked
        });

        report.Status.Should().Be(StepStatus.SkippedNonFiniteLoss);
        calls.Should().Be(2);
        report.Loss.Should().Be(bad, "the first micro-batch's finite share plus the non-finite one");
        report.Gradients.Should().BeNull();
        Weights(model).Should().Equal(weights);
        Saved(adam).Should().Equal(saved, "moments, step counts, rates and betas as before the step");
        planner.State.Should().Be(before with { SkippedSamples = 12 });

        StepPlan next = planner.Plan();
        next.DataOffset.Should().Be(24, "samples 12 to 23 were passed over");
        next.LearningRate.Should().Be(report.Plan.LearningRate, "the schedule did not advance: step 1's rate again");
        next.LearningRate.Should().BeApproximately(0.05 * (1 + Math.Cos(Math.PI / 20)), 1e-16);
    }

    [Fact]
    public void Step_FiniteLossButNonFiniteGradient_WithClipping_SkipsTheUpdate()
    {
        // d/dx √x is infinite at 0, and ∞ · 0 is NaN: the loss is the mean squared error (+ √0 = 0), the gradient NaN.
        using var loader = PlannedLoader.FromTensors([_inputs, _targets]);
        (Linear model, Adam adam, TrainingPlanner planner) = Trained(loader);
        double[] weights = Weights(model);
        byte[] saved = Saved(adam);

        StepReport report = planner.Step(adam, loader, batch => Mse(model)(batch) + (model.weight! * 0).sum().sqrt(), new PlannedStepOptions { MaxGradientNorm = 1e9 });

        report.Status.Should().Be(StepStatus.SkippedNonFiniteGradient);
        double.IsFinite(report.Loss).Should().BeTrue();
        Weights(model).Should().Equal(weights);
        Saved(adam).Should().Equal(saved);
        planner.Progress.Step.Should().Be(1);
        planner.State.SkippedSamples.Should().Be(12);
    }

    [Fact]
    public void Step_NonFiniteGradientAveragedFromAnotherReplica_SkipsOnThisRankToo()
    {
        // This rank's loss is finite; the all-reduce brings in another rank's NaN, as it does when that rank's loss was not finite.
        using var loader = PlannedLoader.FromTensors([_inputs, _targets], new PlannedLoaderOptions { Rank = 0 });
        using Linear model = Model();
        using var sgd = SGD(model.parameters(), 0.1, momentum: 0.9);
        TrainingPlanner planner = Planner(replicas: 2);
        double[] weights = Weights(model);

        StepReport report = planner.Step(sgd, loader, Mse(model), new PlannedStepOptions
        {
            AllReduceGradients = parameters =>
            {
                foreach (Parameter p in parameters)
                {
                    using Tensor grad = p.grad!;
                    grad.add_(double.NaN).div_(2);
                }
            },
        });

        report.Status.Should().Be(StepStatus.SkippedNonFiniteGradient);
        Weights(model).Should().Equal(weights);
        planner.Progress.Step.Should().Be(0);
        planner.State.SkippedSamples.Should().Be(24, "the global batch of both ranks");
    }

    [Fact]
    public void Step_NonFiniteLossOnThisReplica_SendsNaNGradientsToTheAllReduce_SoEveryRankSkips()
    {
        using var loader = PlannedLoader.FromTensors([_inputs, _targets], new PlannedLoaderOptions { Rank = 1 });
        using Linear model = Model();
        using var sgd = SGD(model.parameters(), 0.1, momentum: 0.9);
        TrainingPlanner planner = Planner(replicas: 2);
        bool reducedNaN = false;

        StepReport report = planner.Step(sgd, loader, batch => Mse(model)(batch) * double.NaN, new PlannedStepOptions
        {
            AllReduceGradients = parameters => reducedNaN = parameters.All(p =>
            {
                using Tensor grad = p.grad!;
                return grad.isnan().all().ToBoolean();
            }),
        });

        reducedNaN.Should().BeTrue("the all-reduce still runs, so the other ranks are not left waiting, and carries NaN to them");
        report.Status.Should().Be(StepStatus.SkippedNonFiniteLoss);
        planner.Progress.Step.Should().Be(0);
    }

    [Theory]
    [InlineData(-1)] // before the step starts
    [InlineData(0)]  // during the first micro-batch: observed before the second
    [InlineData(2)]  // during the last: observed after it, before the update
    public void Step_Cancelled_LeavesTheRunAsIfTheStepHadNeverStarted(int cancelDuring)
    {
        using var loader = PlannedLoader.FromTensors([_inputs, _targets], new PlannedLoaderOptions { Seed = 8 });
        (Linear model, Adam adam, TrainingPlanner planner) = Trained(loader);
        double[] weights = Weights(model);
        byte[] saved = Saved(adam);
        double[] gradients = Gradients(model);
        TrainingPlannerState before = planner.State;
        StepPlan planned = planner.Plan();
        using var cancellation = new CancellationTokenSource();
        if (cancelDuring < 0)
        {
            cancellation.Cancel();
        }

        int calls = 0;
        var act = () => planner.Step(adam, loader, batch =>
        {
            if (calls++ == cancelDuring)
            {
                cancellation.Cancel();
            }

            return Mse(model)(batch);
        }, null, cancellation.Token);

        act.Should().Throw<OperationCanceledException>();
        calls.Should().Be(cancelDuring + 1, "no micro-batch runs after the cancellation is seen");
        Weights(model).Should().Equal(weights);
        Saved(adam).Should().Equal(saved, "the group's rate and beta1 are put back to step 0's, and the moments and step counts are untouched");
        if (cancelDuring < 0)
        {
            Gradients(model).Should().Equal(gradients, "a step cancelled before it starts touches nothing");
        }
        else
        {
            GradientsAreZero(model).Should().BeTrue("the partial gradients are discarded");
        }

        planner.State.Should().Be(before);

        StepReport retried = planner.Step(adam, loader, Mse(model));
        retried.Plan.Should().Be(planned, "calling the step again runs the same samples at the same rates");
        planner.Progress.Step.Should().Be(2);
    }

    [Fact]
    public void Step_CancelledWhileTheGradientIsAveraged_Completes()
    {
        using var loader = PlannedLoader.FromTensors([_inputs, _targets]);
        (Linear model, Adam adam, TrainingPlanner planner) = Trained(loader);
        double[] weights = Weights(model);
        using var cancellation = new CancellationTokenSource();

        StepReport report = planner.Step(adam, loader, Mse(model), new PlannedStepOptions { AllReduceGradients = _ => cancellation.Cancel() }, cancellation.Token);

        cancellation.IsCancellationRequested.Should().BeTrue();
        report.Status.Should().Be(StepStatus.Applied, "past the last point of cancellation a step completes, never half");
        Weights(model).Should().NotEqual(weights);
        planner.Progress.Step.Should().Be(2);
        adam.state_dict().State.Cast<Adam.State>().Should().OnlyContain(s => s.step == 2);
    }

    [Fact]
    public void Step_LossThrows_LeavesTheRunAsIfTheStepHadNeverStarted_MomentumIncluded()
    {
        using var loader = PlannedLoader.FromTensors([_inputs, _targets]);
        using Linear model = Model();
        using var sgd = SGD(model.parameters(), 0.123, momentum: 0.95);
        TrainingPlanner planner = Planner();
        planner.Step(sgd, loader, Mse(model));
        double[] weights = Weights(model);
        byte[] saved = Saved(sgd);
        TrainingPlannerState before = planner.State;
        int calls = 0;

        var act = () => planner.Step(sgd, loader, batch => ++calls == 3 ? throw new InvalidOperationException("the user's loss failed") : Mse(model)(batch));

        act.Should().Throw<InvalidOperationException>().WithMessage("the user's loss failed");
        Weights(model).Should().Equal(weights);
        Saved(sgd).Should().Equal(saved, "the momentum buffers untouched, and the group's rate and momentum put back to step 0's");
        GradientsAreZero(model).Should().BeTrue();
        planner.State.Should().Be(before);
    }

    [Fact]
    public void Step_Fails_PutsTheDefaultRandomGeneratorBack()
    {
        // The loss draws from TorchSharp's default generator (as dropout does) in every micro-batch, and the third one fails.
        using var loader = PlannedLoader.FromTensors([_inputs, _targets]);
        using Linear model = Model();
        using var sgd = SGD(model.parameters(), 0.1);
        TrainingPlanner planner = Planner();
        manual_seed(12);
        byte[] before = RandomState();
        var draws = new List<double>();
        int calls = 0;
        Tensor Loss(IList<Tensor> batch)
        {
            using (Tensor draw = rand(1, dtype: ScalarType.Float64))
            {
                draws.Add(draw.ToDouble());
            }

            return ++calls == 3 ? throw new InvalidOperationException("the user's loss failed") : Mse(model)(batch);
        }

        var act = () => planner.Step(sgd, loader, Loss);

        act.Should().Throw<InvalidOperationException>();
        RandomState().Should().Equal(before);
        calls = 100; // no more failures
        planner.Step(sgd, loader, Loss);
        draws.Skip(3).Should().Equal(draws.Take(3), "the step called again draws the same numbers");
    }

    private static byte[] RandomState()
    {
        using Tensor state = get_rng_state();
        return state.data<byte>().ToArray();
    }
}
