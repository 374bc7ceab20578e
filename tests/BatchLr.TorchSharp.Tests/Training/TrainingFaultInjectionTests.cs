using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

#pragma warning disable CA2201 // The tests throw what LibTorch throws on out-of-memory.

namespace BatchLr.TorchSharp.Tests.Training;

/// <summary>
/// Faults injected at random (seeded) steps of a real CPU run: out-of-memory, an exception from the loss, a NaN or infinite
/// loss, and cancellation. After each one the run is checked against what it was before the step; at the end, against a
/// run without the faults, and a run resumed from its last checkpoint against one that never stopped.
/// </summary>
public sealed class TrainingFaultInjectionTests : IDisposable
{
    private const long Samples = 96;
    private readonly string _folder = Directory.CreateTempSubdirectory("batchlr-faults-").FullName;
    private readonly Tensor _inputs;
    private readonly Tensor _targets;

    public TrainingFaultInjectionTests()
    {
        var generator = new Generator(17);
        _inputs = randn([Samples, 3], dtype: ScalarType.Float64, generator: generator);
        _targets = randn([Samples, 1], dtype: ScalarType.Float64, generator: generator);
    }

    public void Dispose()
    {
        _inputs.Dispose();
        _targets.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private enum Fault
    {
        LossThrows,
        OutOfMemory,
        Cancel,
        CancelBefore,
        NaN,
        PositiveInfinity,
        NegativeInfinity,
    }

    /// <summary>
    /// Six epochs (about 36 steps) of batches of 12 then 20 (Keep: an epoch's last batch is cut to what is left), micro-batches of at most 8,
    /// a cosine rate halved on a training-loss plateau, and a micro-batch limit that regrows after 3 good steps.
    /// </summary>
    private static TrainingPlannerOptions Options() => new()
    {
        Schedule = new OptimizerSchedule([Schedule.CosineAnnealing(0.02, 0.0, 60)]).WithPlateau(new ReduceOnPlateauOptions { Patience = 1, Factor = 0.5, Monitor = PlateauMonitor.TrainingLoss, LossWindow = 2 }),
        BatchSize = BatchSizePolicy.Steps([8.0], [12, 20]),
        DatasetSize = Samples,
        Duration = TrainingDuration.Epochs(6),
        EpochBoundary = EpochBoundary.Keep,
        MaxMicroBatchSize = 8,
        MicroBatchRegrowthInterval = 3,
    };

    [Fact]
    public void Step_LossExceptionsOutOfMemoryAndCancellations_RetriedAtOnce_EndBitForBitAsTheUninterruptedRun()
    {
        // Without recovery an out-of-memory propagates like any exception; the loop retries the same step, which must run
        // exactly as the uninterrupted run's, so every weight, moment and planner field ends equal bit for bit.
        var options = new PlannedStepOptions { RecoverFromOutOfMemory = false };
        var faults = new Faults(seed: 41, rate: 0.5, Fault.LossThrows, Fault.OutOfMemory, Fault.Cancel, Fault.CancelBefore);
        using Run clean = new(1, _inputs, _targets), faulty = new(1, _inputs, _targets);
        TrainingPlanner cleanPlanner = new(Options()), faultyPlanner = new(Options());

        while (!cleanPlanner.IsComplete)
        {
            StepReport expected = cleanPlanner.Step(clean.Optimizer, clean.Loader, clean.Loss, options);
            StepReport actual = StepThroughFaults(faultyPlanner, faulty, faults, options);

            actual.Plan.Should().Be(expected.Plan);
            actual.Loss.Should().Be(expected.Loss);
        }

        faultyPlanner.IsComplete.Should().BeTrue();
        faults.Struck.Keys.Should().BeEquivalentTo([Fault.LossThrows, Fault.OutOfMemory, Fault.Cancel, Fault.CancelBefore], "every kind must actually strike");
        faults.Struck.Values.Sum().Should().BeGreaterThan(8);
        faulty.Weights().Should().Equal(clean.Weights());
        faulty.Saved().Should().Equal(clean.Saved());
        faultyPlanner.State.Should().Be(cleanPlanner.State);
        faulty.AdamSteps().Should().Equal(faultyPlanner.Progress.Step);
    }

    [Fact]
    public void Step_OutOfMemoryAndNonFiniteLossesAtRandomSteps_NoStepLostOrDoubled_EverySampleOncePerEpoch()
    {
        // The faulty device holds 3 to 8 samples, drawn afresh at every step, so steps recover by splitting finer; at random
        // steps the loss is NaN, +inf or -inf in both runs (bad data is bad everywhere), so both skip the same updates.
        var nonFinite = new Faults(seed: 43, rate: 0.2, Fault.NaN, Fault.PositiveInfinity, Fault.NegativeInfinity) { FirstMicroBatchOnly = true };
        var device = new Faults(seed: 43, rate: 0.2, Fault.NaN, Fault.PositiveInfinity, Fault.NegativeInfinity) { FirstMicroBatchOnly = true, SmallestCapacity = 3 };
        using Run clean = new(1, _inputs, _targets), faulty = new(1, _inputs, _targets);
        TrainingPlanner cleanPlanner = new(Options()), faultyPlanner = new(Options());
        var read = new List<long>();
        int retries = 0;

        while (!cleanPlanner.IsComplete)
        {
            StepReport expected = StepThroughFaults(cleanPlanner, clean, nonFinite, null);
            StepReport actual = StepThroughFaults(faultyPlanner, faulty, device, null);

            retries += actual.OutOfMemoryRetries;
            actual.Status.Should().Be(expected.Status);
            actual.Plan.DataOffset.Should().Be(expected.Plan.DataOffset);
            actual.Plan.Batch.GlobalBatchSize.Should().Be(expected.Plan.Batch.GlobalBatchSize, "the optimizer sees the batch the policy asked for");
            actual.Plan.LearningRate.Should().Be(expected.Plan.LearningRate);
            read.AddRange(Enumerable.Range(0, actual.Plan.Batch.AccumulationSteps).SelectMany(i => faulty.Loader.GetIndices(actual.Plan, i)));
        }

        retries.Should().BeGreaterThan(5, "the device must actually run out of memory");
        device.Struck.Keys.Should().BeEquivalentTo([Fault.NaN, Fault.PositiveInfinity, Fault.NegativeInfinity]);
        faultyPlanner.Progress.Should().Be(cleanPlanner.Progress);
        faultyPlanner.State.SkippedSamples.Should().Be(cleanPlanner.State.SkippedSamples).And.BeGreaterThan(0);

        // No optimizer step lost or doubled: Adam counted exactly the steps the planner completed, skipped ones excluded.
        faulty.AdamSteps().Should().Equal(faultyPlanner.Progress.Step);
        clean.AdamSteps().Should().Equal(cleanPlanner.Progress.Step);

        // The same samples split differently: float64 sums in another order, equal to a few ulps of values near 1.
        faulty.Weights().Zip(clean.Weights()).Should().OnlyContain(p => Math.Abs(p.First - p.Second) < 1e-12);

        // Every sample once per epoch, skipped steps' samples included (read, and passed over): six whole permutations.
        read.Should().HaveCount(6 * (int)Samples);
        read.Chunk((int)Samples).Should().AllSatisfy(epoch => epoch.Should().BeEquivalentTo(Enumerable.Range(0, (int)Samples).Select(i => (long)i)));
    }

    [Theory]
    [InlineData(false)] // the process dies mid-step; the last checkpoint is up to 4 steps old
    [InlineData(true)]  // the loop is cancelled mid-step, saves a checkpoint, and exits
    public void Resume_AfterEveryKindOfFaultAndAStop_ReproducesTheRunThatNeverStopped_BitForBit(bool cancelAndSave)
    {
        // Dropout draws from TorchSharp's generator, so the checkpoint's generator state matters too.
        Fault[] all = [Fault.LossThrows, Fault.OutOfMemory, Fault.Cancel, Fault.CancelBefore, Fault.NaN, Fault.PositiveInfinity, Fault.NegativeInfinity];
        Faults Draw() => new(seed: 53, rate: 0.5, all) { SmallestCapacity = 4 };
        int stopAt = new Random(cancelAndSave ? 5 : 6).Next(8, 20);

        using var straight = new Run(1, _inputs, _targets, dropout: true);
        manual_seed(99);
        var straightPlanner = new TrainingPlanner(Options());
        Faults straightFaults = Draw();
        var reports = new List<StepReport>();
        while (!straightPlanner.IsComplete)
        {
            reports.Add(StepThroughFaults(straightPlanner, straight, straightFaults, null));
        }

        straightFaults.Struck.Keys.Should().BeEquivalentTo(all, "every kind must actually strike");

        TrainingPlannerState atStop;
        using (var stopped = new Run(1, _inputs, _targets, dropout: true))
        {
            manual_seed(99);
            var planner = new TrainingPlanner(Options());
            Faults faults = Draw();
            for (int step = 0; step < stopAt; step++)
            {
                StepThroughFaults(planner, stopped, faults, null);
                if (step % 5 == 4)
                {
                    TrainingCheckpoint.Save(_folder, stopped.Model, stopped.Optimizer, planner, stopped.Loader);
                }
            }

            // The stop comes during the next step's first micro-batch, after its forward pass drew dropout masks.
            atStop = planner.State;
            using var stop = new CancellationTokenSource();
            var act = () => planner.Step(stopped.Optimizer, stopped.Loader, batch =>
            {
                Tensor loss = stopped.Loss(batch);
                stop.Cancel();
                return cancelAndSave ? loss : throw new InvalidOperationException("the process dies here");
            }, null, stop.Token);
            if (cancelAndSave)
            {
                act.Should().Throw<OperationCanceledException>();
                TrainingCheckpoint.Save(_folder, stopped.Model, stopped.Optimizer, planner, stopped.Loader);
            }
            else
            {
                act.Should().Throw<InvalidOperationException>().WithMessage("the process dies here");
            }
        }

        using var resumed = new Run(2, _inputs, _targets, dropout: true); // other initial weights: all must come from the checkpoint
        TrainingState state = TrainingCheckpoint.Load(_folder, resumed.Model, resumed.Optimizer, resumed.Loader);
        var resumedPlanner = new TrainingPlanner(Options(), state.Planner);
        Faults resumedFaults = Draw();
        int from = reports.FindIndex(r => r.Plan.DataOffset == state.Planner.Samples + state.Planner.SkippedSamples);
        from.Should().Be(cancelAndSave ? stopAt : stopAt / 5 * 5, "the checkpoint holds the steps before the cancelled one, or those up to the last save");
        if (cancelAndSave)
        {
            state.Planner.Should().Be(atStop, "the cancelled step left no trace");
        }

        for (int i = from; !resumedPlanner.IsComplete; i++)
        {
            StepReport report = StepThroughFaults(resumedPlanner, resumed, resumedFaults, null);
            report.Plan.Should().Be(reports[i].Plan);
            report.Status.Should().Be(reports[i].Status);
            report.Loss.Should().Be(reports[i].Loss);
        }

        resumed.Weights().Should().Equal(straight.Weights());
        resumed.Saved().Should().Equal(straight.Saved());
        resumedPlanner.State.Should().Be(straightPlanner.State);
        resumed.AdamSteps().Should().Equal(resumedPlanner.Progress.Step);
    }

    /// <summary>
    /// One step of a loop that survives faults: meets the fault placed at this position in the data, and after an exception
    /// or a cancellation checks that the run is as it was before the step, then calls the step again. A transient fault
    /// (an exception, an out-of-memory, a cancellation) strikes the first attempt only; a non-finite loss strikes every
    /// attempt, and the step reports it skipped, which is checked against the state before it too.
    /// </summary>
    private static StepReport StepThroughFaults(TrainingPlanner planner, Run run, Faults faults, PlannedStepOptions? options)
    {
        TrainingPlannerState start = planner.State;
        long position = start.Samples + start.SkippedSamples;
        while (true)
        {
            double[] weights = run.Weights();
            double[] gradients = run.Gradients();
            byte[] saved = run.Saved();
            TrainingPlannerState before = planner.State;
            using var cancellation = new CancellationTokenSource();
            (Fault Kind, int MicroBatch)? fault = faults.At(position);
            bool fired = false;
            if (fault is (Fault.CancelBefore, _))
            {
                faults.Strike(position, Fault.CancelBefore);
                fired = true;
                cancellation.Cancel();
            }

            int call = 0;
            Tensor Loss(IList<Tensor> batch)
            {
                if (batch[0].shape[0] > faults.Capacity(position))
                {
                    call = 0; // the planner splits finer, and the attempt starts again from its first micro-batch
                    throw new ExternalException("CUDA out of memory. Tried to allocate 2.00 MiB (simulated: the device's capacity)");
                }

                int index = call++;
                Tensor loss = run.Loss(batch);
                if (fault is not { } f || index != f.MicroBatch || (fired && Faults.IsTransient(f.Kind)))
                {
                    return loss;
                }

                fired = true;
                faults.Strike(position, f.Kind);
                switch (f.Kind)
                {
                    case Fault.LossThrows:
                        throw new InjectedFaultException();
                    case Fault.OutOfMemory:
                        call = 0; // recovered (when the step recovers) by splitting finer and starting again
                        throw new ExternalException("CUDA out of memory. Tried to allocate 2.00 MiB (simulated)");
                    case Fault.Cancel:
                        cancellation.Cancel(); // observed by the step before its next micro-batch, or after the last
                        return loss;
                    case Fault.NaN:
                        return loss * double.NaN;
                    case Fault.PositiveInfinity:
                        return loss * double.PositiveInfinity; // a mean squared error is positive
                    default:
                        return loss * double.NegativeInfinity;
                }
            }

            try
            {
                StepReport report = planner.Step(run.Optimizer, run.Loader, Loss, options, cancellation.Token);
                if (fired && fault!.Value.Kind is Fault.NaN or Fault.PositiveInfinity or Fault.NegativeInfinity)
                {
                    report.Status.Should().Be(StepStatus.SkippedNonFiniteLoss);
                    report.Loss.Should().Be(fault.Value.Kind switch { Fault.NaN => double.NaN, Fault.PositiveInfinity => double.PositiveInfinity, _ => double.NegativeInfinity });
                    run.Weights().Should().Equal(weights, "a skipped update leaves the weights");
                    run.Saved().Should().Equal(saved, "and the optimizer: moments, step counts, rates");
                    TrainingPlannerState after = planner.State;
                    after.Should().Be(before with
                    {
                        SkippedSamples = before.SkippedSamples + report.Plan.Batch.GlobalBatchSize, // Keep: no epoch tail is passed over
                        MicroBatchLimit = after.MicroBatchLimit, // an out-of-memory in the same step may have lowered it
                        StepsSinceShrink = after.StepsSinceShrink,
                    }, "the step, the clocks, the plateau, the noise and the batch policy learn nothing from a skipped step");
                }
                else
                {
                    report.Status.Should().Be(StepStatus.Applied);
                }

                return report;
            }
            catch (Exception e) when (e is InjectedFaultException or OperationCanceledException || OutOfMemory.IsCauseOf(e))
            {
                fired.Should().BeTrue("only an injected fault fails a step");
                run.Weights().Should().Equal(weights, "a failed step leaves the weights");
                run.Saved().Should().Equal(saved, "and the optimizer: moments, step counts, rates");
                if (fault!.Value.Kind == Fault.CancelBefore)
                {
                    run.Gradients().Should().Equal(gradients, "a step cancelled before it starts touches nothing");
                }
                else
                {
                    run.GradientsAreZero().Should().BeTrue("the partial gradients are discarded");
                }

                TrainingPlannerState after = planner.State;
                after.Should().Be(before with { MicroBatchLimit = after.MicroBatchLimit, StepsSinceShrink = after.StepsSinceShrink }, "the planner has not advanced");
                after.MicroBatchLimit.GetValueOrDefault(8).Should().BeLessThanOrEqualTo(before.MicroBatchLimit.GetValueOrDefault(8));
            }
        }
    }

    /// <summary>A model of two float64 layers (and dropout when asked), Adam, and a loader over the shared data.</summary>
    private sealed class Run : IDisposable
    {
        public Run(long initSeed, Tensor inputs, Tensor targets, bool dropout = false)
        {
            manual_seed(initSeed);
            Model = dropout
                ? nn.Sequential(("a", nn.Linear(3, 8, dtype: ScalarType.Float64)), ("act", nn.Tanh()), ("drop", nn.Dropout(0.2)), ("b", nn.Linear(8, 1, dtype: ScalarType.Float64)))
                : nn.Sequential(("a", nn.Linear(3, 8, dtype: ScalarType.Float64)), ("act", nn.Tanh()), ("b", nn.Linear(8, 1, dtype: ScalarType.Float64)));
            Optimizer = Adam(Model.parameters(), 0.01);
            Loader = PlannedLoader.FromTensors([inputs, targets], new PlannedLoaderOptions { Seed = 5 });
        }

        public Sequential Model { get; }

        public Adam Optimizer { get; }

        public PlannedLoader<IList<Tensor>> Loader { get; }

        public Tensor Loss(IList<Tensor> batch) => nn.functional.mse_loss(Model.forward(batch[0]), batch[1]);

        public double[] Weights() => Model.parameters().SelectMany(p => p.data<double>().ToArray()).ToArray();

        /// <summary>The optimizer's whole saved state: each group's options (rate, betas) and each parameter's moments and step count.</summary>
        public byte[] Saved()
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                Optimizer.save_state_dict(writer);
            }

            return stream.ToArray();
        }

        /// <summary>Adam's step count of every parameter, once each: a single number when no parameter missed a step.</summary>
        public long[] AdamSteps() => Optimizer.state_dict().State.Cast<Adam.State>().Select(s => s.step).Distinct().ToArray();

        public double[] Gradients() => Model.parameters().SelectMany(p =>
        {
            using Tensor? grad = p.grad;
            return grad is null ? [] : grad.data<double>().ToArray();
        }).ToArray();

        public bool GradientsAreZero() => Model.parameters().All(p =>
        {
            using Tensor? grad = p.grad;
            return grad is null || grad.count_nonzero().ToInt64() == 0;
        });

        public void Dispose()
        {
            Loader.Dispose();
            Optimizer.Dispose();
            Model.Dispose();
        }
    }

    /// <summary>
    /// Where faults strike: each position in the data (a step's first sample in the stream) draws, from the seed and the
    /// position alone, whether a fault strikes there, which, and in which micro-batch, so every run of the same seed meets
    /// the same faults at the same steps, a resumed one included. The device's capacity is drawn the same way.
    /// </summary>
    private sealed class Faults(int seed, double rate, params Fault[] kinds)
    {
        private readonly HashSet<long> _transientStruck = [];

        public Dictionary<Fault, int> Struck { get; } = [];

        /// <summary>Gets or sets whether non-finite losses strike the first micro-batch only, so runs that split a step differently still meet them.</summary>
        public bool FirstMicroBatchOnly { get; init; }

        /// <summary>Gets or sets the smallest capacity the device is drawn with, between it and 8 samples; <see langword="null"/> for no limit.</summary>
        public int? SmallestCapacity { get; init; }

        public (Fault Kind, int MicroBatch)? At(long position)
        {
            var random = new Random(Mix(seed, position));
            if (random.NextDouble() >= rate)
            {
                return null;
            }

            Fault kind = kinds[random.Next(kinds.Length)];
            int micro = random.Next(3);
            bool transient = IsTransient(kind);
            if (transient && _transientStruck.Contains(position))
            {
                return null;
            }

            return (kind, transient || !FirstMicroBatchOnly ? micro : 0);
        }

        /// <summary>Returns whether a fault strikes one attempt only (the loop then calls the step again), unlike a non-finite loss, which comes from the data.</summary>
        public static bool IsTransient(Fault kind) => kind is Fault.LossThrows or Fault.OutOfMemory or Fault.Cancel or Fault.CancelBefore;

        public long Capacity(long position) =>
            SmallestCapacity is { } smallest ? new Random(Mix(-seed, position)).Next(smallest, 9) : long.MaxValue;

        /// <summary>A seed for one position: SplitMix64's finalizer, so neighbouring positions draw unrelated faults.</summary>
        private static int Mix(int seed, long position)
        {
            ulong z = unchecked(((ulong)seed << 32) + (ulong)position + 0x9E3779B97F4A7C15UL);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return (int)(z ^ (z >> 31));
        }

        public void Strike(long position, Fault kind)
        {
            _transientStruck.Add(position);
            Struck[kind] = Struck.GetValueOrDefault(kind) + 1;
        }
    }

    private sealed class InjectedFaultException : Exception
    {
        public InjectedFaultException()
            : base("The user's loss function failed (injected).")
        {
        }
    }
}
