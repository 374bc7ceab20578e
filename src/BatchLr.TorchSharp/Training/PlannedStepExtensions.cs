using System;
using System.Globalization;
using System.Linq;
using BatchLr.Feedback;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>Runs planned optimizer steps: the plan, its micro-batches, the weighted backward passes, the optimizer's step, and the report to the planner.</summary>
public static class PlannedStepExtensions
{
    /// <summary>Runs one planned optimizer step and reports it to the planner.</summary>
    /// <typeparam name="TBatch">The loader's batch shape.</typeparam>
    /// <param name="planner">The planner; its next plan is the step's.</param>
    /// <param name="optimizer">The optimizer; its groups get the plan's learning rates (and momentum) before the step.</param>
    /// <param name="loader">The loader that feeds the plan's micro-batches.</param>
    /// <param name="loss">Computes the mean loss of one micro-batch as a scalar tensor: the forward pass and the criterion, as in any TorchSharp loop.</param>
    /// <param name="options">Clipping, noise measurement, replicas and the clock; <see langword="null"/> for the defaults.</param>
    /// <returns>The plan that ran, the loss, the duration and the gradient statistics, all of which were reported to <paramref name="planner"/>.</returns>
    /// <remarks>
    /// <para>
    /// The step, which a loop may call as it is or copy: <c>plan = planner.Plan()</c>; <c>optimizer.Apply(plan)</c>;
    /// <c>zero_grad()</c>; for each micro-batch <c>i</c>, <c>(loss(batch_i) · w_i).backward()</c> with
    /// <c>w_i = plan.Batch.GetLossWeight(i)</c>, so the accumulated gradient is the mean over the batch; optionally the
    /// all-reduce and <c>clip_grad_norm_</c>; <c>optimizer.step()</c>; <c>planner.Complete(...)</c> with the samples, the
    /// loss, the seconds and, when measured, the gradient statistics. Each micro-batch runs in its own dispose scope.
    /// </para>
    /// <para>
    /// The gradient noise is measured from what the step computes anyway: on one replica, the squared norm of the gradient
    /// after the first micro-batch (divided by <c>w_0²</c>) and after the last (<see cref="GradientStatistics.FromMicroBatches"/>);
    /// with replicas, this replica's gradient before the all-reduce and the averaged one after it.
    /// </para>
    /// <para>
    /// An attempt that runs out of memory (<see cref="PlannedStepOptions.RecoverFromOutOfMemory"/>) has its partial gradients
    /// discarded; the planner halves its micro-batch limit and the same samples run again with twice the accumulation, so the
    /// optimizer steps once, on the global batch the plan asked for. With replicas, the ranks agree on any rank's failure
    /// first (<see cref="PlannedStepOptions.AgreeOnOutOfMemory"/>), so all of them retry together.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PlannedStepOptions.MaxGradientNorm"/> is not greater than zero.</exception>
    /// <exception cref="InvalidOperationException">Training is complete, or <paramref name="loss"/> returned a tensor that is not one number; the optimizer has not stepped and the planner has not advanced.</exception>
    public static StepReport Step<TBatch>(this TrainingPlanner planner, Optimizer optimizer, PlannedLoader<TBatch> loader, Func<TBatch, Tensor> loss, PlannedStepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loader);
        ArgumentNullException.ThrowIfNull(loss);
        options ??= Defaults;
        if (options.MaxGradientNorm is { } max && !(max > 0 && double.IsFinite(max)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), max, string.Create(CultureInfo.InvariantCulture, $"'options.MaxGradientNorm' is {max}; it must be a finite number greater than zero, or null."));
        }

        TimeProvider clock = options.TimeProvider ?? TimeProvider.System;
        long started = clock.GetTimestamp();
        bool measure = options.MeasureGradientNoise ?? planner.NeedsGradientStatistics;
        Parameter[] parameters = measure || options.MaxGradientNorm is not null || options.AllReduceGradients is not null
            ? optimizer.parameters().ToArray()
            : [];

        StepPlan plan;
        double total;
        double first;
        int retries = 0;
        while (true)
        {
            plan = planner.Plan();
            optimizer.Apply(plan);
            optimizer.zero_grad();
            bool failed = false;
            try
            {
                (total, first) = Accumulate(plan, loader, loss, measure ? parameters : null);
            }
            catch (Exception e) when (options.RecoverFromOutOfMemory && OutOfMemory.IsCauseOf(e))
            {
                (total, first) = (0, 0);
                failed = true;
            }

            if (options.AgreeOnOutOfMemory is { } agree)
            {
                failed = agree(failed);
            }

            if (!failed)
            {
                break;
            }

            // Discard the failed attempt's partial gradients; the planner has not advanced, so the retry is the same step.
            optimizer.zero_grad();
            planner.ReportOutOfMemory();
            retries++;
        }

        BatchPlan batch = plan.Batch;
        bool alone = batch.Replicas == 1;
        double local = measure && !alone ? SquaredNorm(parameters) : 0;
        options.AllReduceGradients?.Invoke(parameters);
        GradientStatistics? statistics = null;
        if (measure)
        {
            double accumulated = SquaredNorm(parameters);
            statistics = alone
                ? GradientStatistics.FromMicroBatches(batch, first, accumulated)
                : options.AllReduceGradients is null ? null : new GradientStatistics(batch.PerReplicaBatchSize, local, batch.GlobalBatchSize, accumulated);
        }

        if (options.MaxGradientNorm is { } limit)
        {
            nn.utils.clip_grad_norm_(parameters, limit);
        }

        optimizer.step();
        double seconds = clock.GetElapsedTime(started).TotalSeconds;
        planner.Complete(new StepOutcome(batch.GlobalBatchSize) { Loss = total, Seconds = seconds, Gradients = statistics });
        return new StepReport(plan, total, seconds, statistics, retries);
    }

    /// <summary>Runs the plan's micro-batches: each loss weighted by its share, backward, in its own dispose scope; returns the weighted loss and the squared gradient norm after the first micro-batch when measuring on one replica.</summary>
    private static (double Loss, double First) Accumulate<TBatch>(StepPlan plan, PlannedLoader<TBatch> loader, Func<TBatch, Tensor> loss, Parameter[]? measured)
    {
        BatchPlan batch = plan.Batch;
        double total = 0;
        double first = 0;
        for (int i = 0; i < batch.AccumulationSteps; i++)
        {
            using DisposeScope scope = NewDisposeScope();
            MicroBatch<TBatch> micro = loader.GetMicroBatch(plan, i);
            Tensor value = loss(micro.Data);
            if (value.numel() != 1)
            {
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The loss of micro-batch {i} has shape [{string.Join(", ", value.shape)}]; it must be one number, the mean loss of the micro-batch. The optimizer has not stepped."));
            }

            if (micro.LossWeight == 1.0)
            {
                value.backward(); // one micro-batch: no weighting, and no extra node in the graph
            }
            else
            {
                (value * micro.LossWeight).backward();
            }

            total += value.ToDouble() * micro.LossWeight;
            if (measured is not null && batch.Replicas == 1 && i == 0)
            {
                first = SquaredNorm(measured);
            }
        }

        return (total, first);
    }

    private static PlannedStepOptions Defaults { get; } = new();

    /// <summary>The squared L2 norm of all gradients, summed in double precision.</summary>
    private static double SquaredNorm(Parameter[] parameters)
    {
        using DisposeScope scope = NewDisposeScope();
        double sum = 0;
        foreach (Parameter parameter in parameters)
        {
            if (parameter.grad is { } grad)
            {
                sum += grad.to_type(ScalarType.Float64).square().sum().ToDouble();
            }
        }

        return sum;
    }
}
