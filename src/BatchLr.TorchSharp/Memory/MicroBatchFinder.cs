using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using BatchLr.Memory;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>Finds the largest micro-batch a model trains at on its device (or the fastest that fits), by trial steps on the real model, and leaves the model and optimizer as they were.</summary>
public static class MicroBatchFinder
{
    /// <summary>Runs trial training steps at chosen micro-batch sizes and selects the micro-batch to train with (<see cref="MicroBatchSelector"/>).</summary>
    /// <param name="model">The model; its parameters, buffers and gradients are restored bit for bit after every trial.</param>
    /// <param name="optimizer">The optimizer, one of TorchSharp's; each trial steps it (its state takes memory too), and its state and learning rates are restored after every trial.</param>
    /// <param name="loss">Returns the mean loss of a micro-batch of the given size: the forward pass on that many samples and the criterion. Sizes up to <see cref="MicroBatchSelectionOptions.MaxMicroBatchSize"/> are asked for.</param>
    /// <param name="options">The range, the strategy (model with search fallback by default), the headroom, the device's memory probe and the cache.</param>
    /// <returns>The selection: the micro-batch to give the planner as <see cref="TrainingPlannerOptions.MaxMicroBatchSize"/>, how it was chosen, and the trials.</returns>
    /// <remarks>
    /// <para>
    /// A trial runs <see cref="MicroBatchTrialArguments.Steps"/> full steps (zero_grad, forward, backward, optimizer step) at one
    /// size, timed when the selector asks; an out-of-memory (<see cref="OutOfMemory.IsCauseOf(Exception)"/>) marks the size as too
    /// large, any other exception ends the search after restoring the model and optimizer. The peak memory of a trial comes from
    /// <see cref="MicroBatchSelectionOptions.Memory"/>: on a GPU, from NVML (<see cref="CudaMemory"/>); on the CPU, where a failed
    /// allocation may kill the process, the CPU probe lets the model-based choice stay below the memory the process may use.
    /// </para>
    /// <para>TorchSharp's random generator is not restored: layers such as dropout draw differently afterwards.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="optimizer"/> cannot save its state, or an option breaks its rule.</exception>
    public static MicroBatchSelection Find(nn.Module model, Optimizer optimizer, Func<int, Tensor> loss, MicroBatchSelectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(options);
        if (optimizer is not OptimizerHelper managed)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"'optimizer' is a {optimizer.GetType().Name}; it must be one of TorchSharp's optimizers (SGD, Adam, AdamW, ...), whose state can be saved and restored after each trial."),
                nameof(optimizer));
        }

        IReadOnlyList<ILearningRateController> groups = ParamGroups.Of(optimizer);
        using DisposeScope run = NewDisposeScope();
        var snapshot = TrainingStateSnapshot.Capture(model, managed, groups);
        return MicroBatchSelector.Select(Trial, options);

        MicroBatchTrial Trial(MicroBatchTrialArguments arguments)
        {
            try
            {
                var clock = Stopwatch.StartNew();
                for (int step = 0; step < arguments.Steps; step++)
                {
                    using DisposeScope scope = NewDisposeScope();
                    optimizer.zero_grad();
                    Tensor value = loss(arguments.MicroBatchSize);
                    if (value.numel() != 1)
                    {
                        throw new InvalidOperationException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"The loss of a micro-batch of {arguments.MicroBatchSize} has shape [{string.Join(", ", value.shape)}]; it must be one number, the mean loss."));
                    }

                    value.backward();
                    optimizer.step();
                }

                return MicroBatchTrial.Fits(seconds: arguments.MeasureTime ? clock.Elapsed.TotalSeconds / arguments.Steps : null);
            }
            catch (Exception e) when (OutOfMemory.IsCauseOf(e))
            {
                return MicroBatchTrial.OutOfMemory;
            }
            finally
            {
                optimizer.zero_grad();
                snapshot.Restore();
            }
        }
    }
}
