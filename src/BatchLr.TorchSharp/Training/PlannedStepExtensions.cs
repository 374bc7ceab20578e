using System;
using System.ComponentModel;
using System.Globalization;
using System.Linq;
using System.Threading;
using BatchLr.Feedback;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>Runs planned optimizer steps: the plan, its micro-batches, the weighted backward passes, the optimizer's step, and the report to the planner.</summary>
public static class PlannedStepExtensions
{
    /// <summary>Runs one planned optimizer step and reports it to the planner; kept for binary compatibility with 0.1.0.</summary>
    /// <typeparam name="TBatch">The loader's batch shape.</typeparam>
    /// <param name="planner">The planner; its next plan is the step's.</param>
    /// <param name="optimizer">The optimizer; its groups get the plan's learning rates (and momentum) before the step.</param>
    /// <param name="loader">The loader that feeds the plan's micro-batches.</param>
    /// <param name="loss">Computes the mean loss of one micro-batch as a scalar tensor.</param>
    /// <param name="options">Clipping, noise measurement, replicas and the clock; <see langword="null"/> for the defaults.</param>
    /// <returns>The plan that ran, whether the update was applied, the loss, the duration and the gradient statistics.</returns>
    /// <remarks>The same as the overload with a <see cref="CancellationToken"/>, with <see cref="CancellationToken.None"/>.</remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PlannedStepOptions.MaxGradientNorm"/> is not greater than zero.</exception>
    /// <exception cref="InvalidOperationException">Training is complete, or <paramref name="loss"/> returned a tensor that is not one number; the optimizer has not stepped and the planner has not advanced.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static StepReport Step<TBatch>(this TrainingPlanner planner, Optimizer optimizer, PlannedLoader<TBatch> loader, Func<TBatch, Tensor> loss, PlannedStepOptions? options) =>
        Step(planner, optimizer, loader, loss, options, CancellationToken.None);

    /// <summary>Runs one planned optimizer step and reports it to the planner.</summary>
    /// <typeparam name="TBatch">The loader's batch shape.</typeparam>
    /// <param name="planner">The planner; its next plan is the step's.</param>
    /// <param name="optimizer">The optimizer; its groups get the plan's learning rates (and momentum) before the step.</param>
    /// <param name="loader">The loader that feeds the plan's micro-batches.</param>
    /// <param name="loss">Computes the mean loss of one micro-batch as a scalar tensor: the forward pass and the criterion, as in any TorchSharp loop.</param>
    /// <param name="options">Clipping, noise measurement, replicas and the clock; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the step before its update: observed before the plan, before each micro-batch, and after the last one.</param>
    /// <returns>The plan that ran, whether the update was applied, the loss, the duration and the gradient statistics.</returns>
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
    /// <para>
    /// A NaN or infinite loss skips the update, as AMP's <c>GradScaler</c> skips a step whose gradients are not finite: the
    /// micro-batches after it are not run, the optimizer does not step (the weights stay as they were, and so does the
    /// optimizer: its moments, step counts, learning rates and momentum), the gradients are left as computed, for inspection
    /// (the next step zeroes them), and the planner passes the step's samples over with <see cref="TrainingPlanner.SkipStep"/>, so the loss never
    /// reaches a reduce-on-plateau monitor or a batch-size policy, the schedules do not advance, and the next step reads the
    /// samples after these. The same holds when the loss is finite but a gradient norm the step reads is not: the norm that
    /// <see cref="PlannedStepOptions.MaxGradientNorm"/> clips, the two norms of the noise measurement, or, with
    /// <see cref="PlannedStepOptions.AllReduceGradients"/>, the averaged gradient. The report says which
    /// (<see cref="StepReport.Status"/>). With replicas, a rank whose loss is not finite fills its gradients with NaN before
    /// the all-reduce, so the average is NaN on every rank and every rank skips the same step.
    /// </para>
    /// <para>
    /// An exception before the optimizer's step (from <paramref name="loss"/>, the loader, an out-of-memory that is not recovered,
    /// the all-reduce or the clipping) leaves the run as if the step had never started: the partial gradients are discarded
    /// (<c>zero_grad</c>), every group's learning rate and momentum are put back, the optimizer has not stepped, and the planner
    /// has not advanced (an out-of-memory recovered from before the failure keeps the lowered micro-batch limit), and TorchSharp's
    /// default generator (<c>torch.get_rng_state()</c>, the one <see cref="TrainingCheckpoint"/> saves) is put back, so calling
    /// the step again runs the same samples at the same learning rates with the same dropout masks, as does a retry after an
    /// out-of-memory. The state of other generators (a CUDA device's, one the loss function owns) is the caller's.
    /// </para>
    /// <para>
    /// A cancellation is all or nothing: observed up to the end of the last micro-batch, it throws
    /// <see cref="OperationCanceledException"/> and leaves the run as if the step had never started (gradients discarded, the
    /// groups' learning rates and momentum and the default random generator put back, the optimizer not stepped, the planner
    /// not advanced), so calling the step again, or saving a checkpoint and resuming from it, runs the same step; requested later, while the gradient is averaged, clipped or applied, it is not observed and
    /// the step completes. The same holds for an <see cref="OperationCanceledException"/> that <paramref name="loss"/> throws
    /// when it watches the token itself.
    /// </para>
    /// <para>
    /// With replicas, the last point of cancellation comes before <see cref="PlannedStepOptions.AllReduceGradients"/>: cancel every
    /// rank together (with the engine that runs them), or some ranks would wait in the all-reduce for one that left.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PlannedStepOptions.MaxGradientNorm"/> is not greater than zero.</exception>
    /// <exception cref="InvalidOperationException">Training is complete, or <paramref name="loss"/> returned a tensor that is not one number; the optimizer has not stepped and the planner has not advanced.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the step's gradient was complete; the run is as if the step had never started.</exception>
    public static StepReport Step<TBatch>(this TrainingPlanner planner, Optimizer optimizer, PlannedLoader<TBatch> loader, Func<TBatch, Tensor> loss, PlannedStepOptions? options = null, CancellationToken cancellationToken = default)
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

        cancellationToken.ThrowIfCancellationRequested();
        TimeProvider clock = options.TimeProvider ?? TimeProvider.System;
        long started = clock.GetTimestamp();
        bool measure = options.MeasureGradientNoise ?? planner.NeedsGradientStatistics;
        bool reduce = options.AllReduceGradients is not null;
        Parameter[] parameters = measure || options.MaxGradientNorm is not null || reduce
            ? optimizer.parameters().ToArray()
            : [];

        // Everything up to the optimizer's step can be undone: a failure there puts the groups' settings and the random generator
        // back, and drops the gradients.
        GroupSettings settings = GroupSettings.Capture(optimizer);
        using Tensor random = get_rng_state();
        StepPlan plan;
        Accumulated sums;
        int retries = 0;
        StepStatus status;
        GradientStatistics? statistics = null;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                plan = planner.Plan();
                optimizer.Apply(plan);
                optimizer.zero_grad();
                bool failed = false;
                try
                {
                    sums = Accumulate(plan, loader, loss, measure ? parameters : null, cancellationToken);
                }
                catch (Exception e) when (options.RecoverFromOutOfMemory && OutOfMemory.IsCauseOf(e))
                {
                    sums = default;
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
                set_rng_state(random); // the retry draws what the failed attempt drew (dropout masks), not the numbers after them
                retries++;
            }

            cancellationToken.ThrowIfCancellationRequested(); // the last point: from the all-reduce on, every rank finishes the step
            status = double.IsFinite(sums.Loss) ? StepStatus.Applied : StepStatus.SkippedNonFiniteLoss;
            BatchPlan batch = plan.Batch;
            bool alone = batch.Replicas == 1;
            if (reduce && status != StepStatus.Applied)
            {
                Poison(parameters); // so the average is not finite on every rank, and every rank skips this step
            }

            double local = measure && !alone && status == StepStatus.Applied ? SquaredNorm(parameters) : 0;
            options.AllReduceGradients?.Invoke(parameters);
            if (status == StepStatus.Applied && (measure || reduce))
            {
                double accumulated = SquaredNorm(parameters);
                if (!double.IsFinite(accumulated) || !double.IsFinite(local) || (measure && alone && !double.IsFinite(sums.First)))
                {
                    status = StepStatus.SkippedNonFiniteGradient;
                }
                else if (measure)
                {
                    statistics = alone
                        ? GradientStatistics.FromMicroBatches(batch, sums.First, accumulated)
                        : reduce ? new GradientStatistics(batch.PerReplicaBatchSize, local, batch.GlobalBatchSize, accumulated) : null;
                    if (statistics is { } measured && !double.IsFinite(measured.SmallBatchSquaredNorm))
                    {
                        status = StepStatus.SkippedNonFiniteGradient; // the first micro-batch's norm, rescaled, overflowed
                        statistics = null;
                    }
                }
            }

            if (status == StepStatus.Applied && options.MaxGradientNorm is { } limit && !double.IsFinite(nn.utils.clip_grad_norm_(parameters, limit)))
            {
                status = StepStatus.SkippedNonFiniteGradient;
                statistics = null;
            }
        }
        catch
        {
            optimizer.zero_grad();
            settings.Restore();
            set_rng_state(random);
            throw;
        }

        if (status == StepStatus.Applied)
        {
            optimizer.step();
            double seconds = clock.GetElapsedTime(started).TotalSeconds;
            planner.Complete(new StepOutcome(plan.Batch.GlobalBatchSize) { Loss = sums.Loss, Seconds = seconds, Gradients = statistics });
            return new StepReport(plan, sums.Loss, seconds, statistics, retries, status);
        }

        // Skipped: the optimizer as it was, nothing the planner learns from; the gradients are left as computed, for inspection.
        settings.Restore();
        planner.SkipStep();
        return new StepReport(plan, sums.Loss, clock.GetElapsedTime(started).TotalSeconds, null, retries, status);
    }

    /// <summary>
    /// Runs the plan's micro-batches: each loss weighted by its share, backward, in its own dispose scope; returns the weighted
    /// loss and the squared gradient norm after the first micro-batch when measuring on one replica. Stops after a micro-batch
    /// whose loss is not finite, returning a loss that is not finite either.
    /// </summary>
    private static Accumulated Accumulate<TBatch>(StepPlan plan, PlannedLoader<TBatch> loader, Func<TBatch, Tensor> loss, Parameter[]? measured, CancellationToken cancellationToken)
    {
        BatchPlan batch = plan.Batch;
        double total = 0;
        double first = 0;
        for (int i = 0; i < batch.AccumulationSteps; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
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

            double mean = value.ToDouble();
            total += mean * micro.LossWeight;
            if (!double.IsFinite(mean))
            {
                return new Accumulated(total, first); // the update will be skipped: the rest would be wasted work
            }

            if (measured is not null && batch.Replicas == 1 && i == 0)
            {
                first = SquaredNorm(measured);
            }
        }

        return new Accumulated(total, first);
    }

    /// <summary>Fills every gradient with NaN, so an average across replicas that includes it is NaN on every rank.</summary>
    private static void Poison(Parameter[] parameters)
    {
        foreach (Parameter parameter in parameters)
        {
            using Tensor? grad = parameter.grad;
            grad?.fill_(double.NaN);
        }
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

    /// <summary>The weighted loss of the micro-batches run, and the squared gradient norm after the first.</summary>
    private readonly record struct Accumulated(double Loss, double First);
}
