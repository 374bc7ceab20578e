using System;
using System.Collections.Generic;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>Runs the learning-rate range test (Smith 2015), as fastai's <c>lr_find</c> and Lightning's <c>LearningRateFinder</c> do, and leaves the model and optimizer as they were.</summary>
public static class LearningRateFinder
{
    /// <summary>Trains for a few steps at growing learning rates, records the loss of each, and restores the model and the optimizer.</summary>
    /// <param name="model">The model whose parameters, buffers and gradients are restored afterwards.</param>
    /// <param name="optimizer">
    /// The optimizer that trains it, one of TorchSharp's managed optimizers (<c>SGD</c>, <c>Adam</c>, <c>AdamW</c>, ...:
    /// an <see cref="OptimizerHelper"/>), whose state can be saved and loaded. Every parameter group gets the sweep's rate.
    /// </param>
    /// <param name="trainingLoss">
    /// Runs the forward pass on the batch of step <c>i</c> (0-based) and returns its scalar loss, computed from the model's
    /// parameters. The finder does the rest of the step: <c>zero_grad</c>, <c>backward</c> and <c>step</c>. Each step runs
    /// in a dispose scope, so the tensors made during the call are disposed when the step ends.
    /// </param>
    /// <param name="options">The sweep; <see langword="null"/> for the defaults, fastai's.</param>
    /// <returns>The curve, why the sweep ended, and the suggestions of fastai and Lightning.</returns>
    /// <remarks>
    /// <para>
    /// Step <c>i</c> of <c>n</c> sets every group's learning rate to <c>lr_i = start · (end / start)^(i / (n - 1))</c>
    /// (<see cref="LearningRateSweepMode.Exponential"/>) or <c>start + (end - start) · i / (n - 1)</c>
    /// (<see cref="LearningRateSweepMode.Linear"/>), so the first step runs at the start rate and the last at the end rate
    /// exactly. fastai's sweep uses the exponent <c>i / n</c> and stops one step short of its end rate; Lightning's exponent
    /// runs <c>0, 2/n, 3/n, ..., 1</c>, reaching its end rate but skipping <c>1/n</c>; this one spans both ends evenly.
    /// </para>
    /// <para>
    /// The loss is smoothed by a bias-corrected exponential moving average (<see cref="LearningRateFinderResult.SmoothedLosses"/>).
    /// With <c>best_i</c> the lowest smoothed loss up to step <c>i</c>, the sweep stops after step <c>i</c> when
    /// <c>smoothed_i &gt; threshold · best_i</c>, as fastai checks it. The check runs only while <c>best_i &gt; 0</c>: a
    /// loss that can be zero or negative (a log-likelihood) would otherwise stop the sweep at its first step. A NaN or
    /// infinite loss stops the sweep before its backward pass and optimizer step.
    /// </para>
    /// <para>
    /// Before the first step the finder copies, into CPU memory, every parameter, buffer and gradient of the model and
    /// every parameter of the optimizer, and saves the optimizer's state (its per-parameter state, such as momentum
    /// buffers or Adam's moments and step count, and each group's hyperparameters and learning rate). When the sweep ends,
    /// or <paramref name="trainingLoss"/> throws, it writes them all back bit for bit, into the same tensors: a gradient
    /// that did not exist is removed again. The model's training mode is left as the callback sets it; random number
    /// generators are not restored, so dropout draws differ after a sweep.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="model"/>, <paramref name="optimizer"/> or <paramref name="trainingLoss"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="options"/> breaks a rule (the message lists every broken rule), or <paramref name="optimizer"/> is not a
    /// managed optimizer (<see cref="OptimizerHelper"/>) or has no parameter group; nothing was run.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="trainingLoss"/> returned <see langword="null"/>, a tensor of more than one element, or a loss that does
    /// not require a gradient; the model and optimizer were restored.
    /// </exception>
    public static LearningRateFinderResult Run(nn.Module model, Optimizer optimizer, Func<int, Tensor> trainingLoss, LearningRateFinderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(trainingLoss);
        LearningRateFinderOptions sweep = (options ?? new LearningRateFinderOptions()).Validated(nameof(options));
        if (optimizer is not OptimizerHelper managed)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"'optimizer' is a {optimizer.GetType().Name}; it must be a managed optimizer derived from OptimizerHelper (SGD, Adam, AdamW, RMSProp, ...), whose state can be saved and restored."),
                nameof(optimizer));
        }

        IReadOnlyList<ILearningRateController> groups = ParamGroups.Of(optimizer);
        if (groups.Count == 0)
        {
            throw new ArgumentException("'optimizer' has no parameter groups; it must have at least one, to sweep its learning rate.", nameof(optimizer));
        }

        return RunCore(model, managed, groups, trainingLoss, sweep);
    }

    private static LearningRateFinderResult RunCore(nn.Module model, OptimizerHelper optimizer, IReadOnlyList<ILearningRateController> groups, Func<int, Tensor> trainingLoss, LearningRateFinderOptions sweep)
    {
        int steps = sweep.Steps;
        double beta = sweep.SmoothingBeta;
        var learningRates = new List<double>(steps);
        var losses = new List<double>(steps);
        var smoothed = new List<double>(steps);
        var stopReason = LearningRateFinderStopReason.Completed;
        double stopLearningRate = double.NaN;
        double average = 0;
        double best = double.PositiveInfinity;

        using DisposeScope run = NewDisposeScope();
        var snapshot = TrainingStateSnapshot.Capture(model, optimizer, groups);
        try
        {
            for (int i = 0; i < steps; i++)
            {
                double learningRate = sweep.LearningRateAt(i);
                double loss = TrainStep(optimizer, groups, trainingLoss, i, learningRate);
                if (!double.IsFinite(loss))
                {
                    stopReason = LearningRateFinderStopReason.NonFiniteLoss;
                    stopLearningRate = learningRate;
                    break;
                }

                average = (beta * average) + ((1 - beta) * loss);
                double smooth = average / (1 - Math.Pow(beta, i + 1));
                learningRates.Add(learningRate);
                losses.Add(loss);
                smoothed.Add(smooth);
                best = Math.Min(best, smooth);
                if (sweep.DivergenceThreshold is double threshold && best > 0 && smooth > threshold * best)
                {
                    stopReason = LearningRateFinderStopReason.Diverged;
                    stopLearningRate = learningRate;
                    break;
                }
            }
        }
        finally
        {
            snapshot.Restore();
        }

        var result = new LearningRateFinderResult([.. learningRates], [.. losses], [.. smoothed], steps, stopReason, stopLearningRate);
        if (sweep.Logger is { } logger)
        {
            FinderLog.LearningRateFinderResult(
                logger,
                result.LearningRates.Count,
                result.StopReason,
                result.Steepest?.LearningRate ?? double.NaN,
                result.MinimumOverTen?.LearningRate ?? double.NaN,
                result.Valley?.LearningRate ?? double.NaN);
        }

        return result;
    }

    // One step at a learning rate; returns the loss, or a non-finite loss without stepping.
    private static double TrainStep(OptimizerHelper optimizer, IReadOnlyList<ILearningRateController> groups, Func<int, Tensor> trainingLoss, int step, double learningRate)
    {
        using DisposeScope scope = NewDisposeScope();
        for (int g = 0; g < groups.Count; g++)
        {
            groups[g].LearningRate = learningRate;
        }

        optimizer.zero_grad();
        Tensor loss = trainingLoss(step) ?? throw new InvalidOperationException(
            string.Create(CultureInfo.InvariantCulture, $"'trainingLoss' returned null at step {step}; it must return the scalar loss of the step's batch. The model and optimizer were restored."));
        if (loss.numel() != 1)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"'trainingLoss' returned a tensor of shape [{string.Join(", ", loss.shape)}] at step {step}; it must return the scalar loss of the step's batch, one element. The model and optimizer were restored."));
        }

        double value = loss.ToDouble();
        if (!double.IsFinite(value))
        {
            return value;
        }

        if (!loss.requires_grad)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"'trainingLoss' returned a loss that does not require a gradient at step {step}; it must be computed from the model's parameters, so the backward pass reaches them. The model and optimizer were restored."));
        }

        loss.backward();
        optimizer.step();
        return value;
    }
}
