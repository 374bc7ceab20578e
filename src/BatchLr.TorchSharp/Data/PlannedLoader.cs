using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp;

/// <summary>Creates loaders that feed each planned step its micro-batches.</summary>
/// <remarks>
/// TorchSharp's <c>DataLoader</c> fixes one batch size per loader; a <see cref="TrainingPlanner"/> changes it from step to step.
/// A planned loader takes the size of every micro-batch from the plan and the place in the data from
/// <see cref="StepPlan.DataOffset"/>, so every sample is used exactly once per epoch however the batch changes, each epoch in
/// its own seeded order, and a run resumed from the planner's state continues with exactly the samples not yet seen.
/// </remarks>
public static class PlannedLoader
{
    /// <summary>Creates a loader over tensors held in memory, whose first dimension indexes the samples (the tensors of a <c>TensorDataset</c>).</summary>
    /// <param name="tensors">The tensors, such as the inputs and the labels; at least one, all with the same first dimension. The loader reads them and does not dispose them.</param>
    /// <param name="options">The order and the device; <see langword="null"/> for the defaults.</param>
    /// <returns>A loader whose micro-batches hold each tensor's rows gathered with one <c>index_select</c>: no work per sample, the batch shape of TorchSharp's loader over a <c>TensorDataset</c>.</returns>
    /// <exception cref="ArgumentException">The list is empty, holds <see langword="null"/>, has no samples, or its tensors differ in their first dimension.</exception>
    public static PlannedLoader<IList<Tensor>> FromTensors(IReadOnlyList<Tensor> tensors, PlannedLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("'tensors' is empty; it must hold at least one tensor whose first dimension indexes the samples.", nameof(tensors));
        }

        var held = new Tensor[tensors.Count];
        for (int i = 0; i < held.Length; i++)
        {
            held[i] = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), string.Create(CultureInfo.InvariantCulture, $"'tensors[{i}]' is null."));
            if (held[i].dim() == 0 || held[i].shape[0] != held[0].shape[0])
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"'tensors[{i}]' has shape [{string.Join(", ", held[i].shape)}]; every tensor must have the first dimension of tensors[0], {(held[0].dim() == 0 ? 0 : held[0].shape[0])}, which indexes the samples."),
                    nameof(tensors));
            }
        }

        if (held[0].dim() == 0 || held[0].shape[0] == 0)
        {
            throw new ArgumentException("'tensors' hold no samples; their first dimension must be 1 or more.", nameof(tensors));
        }

        options = Checked(options);
        return new PlannedLoader<IList<Tensor>>(held[0].shape[0], new TensorSource(held, options.Device), options);
    }

    /// <summary>Creates a loader over a map-style dataset, collated as TorchSharp's <c>DataLoader</c> collates it: one stacked tensor per key, with the default options.</summary>
    /// <param name="dataset">The dataset; at least one sample. The loader reads it and does not dispose it.</param>
    /// <returns>A loader whose micro-batches have the shape of TorchSharp's <c>DataLoader</c> batches, so replacing one with the other changes one line.</returns>
    /// <exception cref="ArgumentException">The dataset has no samples.</exception>
    public static PlannedLoader<Dictionary<string, Tensor>> FromDataset(utils.data.Dataset dataset) => FromDataset(dataset, Stack, null);

    /// <summary>Creates a loader over a map-style dataset, collated as TorchSharp's <c>DataLoader</c> collates it: one stacked tensor per key.</summary>
    /// <param name="dataset">The dataset; at least one sample. The loader reads it and does not dispose it.</param>
    /// <param name="options">The order and the device; <see langword="null"/> for the defaults.</param>
    /// <returns>A loader whose micro-batches have the shape of TorchSharp's <c>DataLoader</c> batches, so replacing one with the other changes one line.</returns>
    /// <exception cref="ArgumentException">The dataset has no samples, or an option breaks its rule.</exception>
    public static PlannedLoader<Dictionary<string, Tensor>> FromDataset(utils.data.Dataset dataset, PlannedLoaderOptions? options) =>
        FromDataset(dataset, Stack, options);

    /// <summary>Creates a loader over any TorchSharp dataset, with the collate function a TorchSharp <c>DataLoader</c> would take.</summary>
    /// <typeparam name="T">The dataset's sample type.</typeparam>
    /// <typeparam name="TBatch">The collated batch type.</typeparam>
    /// <param name="dataset">The dataset; at least one sample. The loader reads it and does not dispose it.</param>
    /// <param name="collate">Merges the samples of a micro-batch into one batch on the given device; it must return new tensors, since the samples are disposed after it returns.</param>
    /// <param name="options">The order and the device; <see langword="null"/> for the defaults.</param>
    /// <returns>The loader.</returns>
    /// <exception cref="ArgumentException">The dataset has no samples, or an option breaks its rule.</exception>
    public static PlannedLoader<TBatch> FromDataset<T, TBatch>(utils.data.Dataset<T> dataset, Func<IEnumerable<T>, Device, TBatch> collate, PlannedLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(collate);
        if (dataset.Count < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'dataset' has {dataset.Count} samples; a loader needs at least one."), nameof(dataset));
        }

        options = Checked(options);
        return new PlannedLoader<TBatch>(dataset.Count, new DatasetSource<T, TBatch>(dataset, collate, options.Device ?? CPU), options);
    }

    /// <summary>A private copy of the options, checked: the caller may change theirs afterwards.</summary>
    private static PlannedLoaderOptions Checked(PlannedLoaderOptions? options)
    {
        options ??= new PlannedLoaderOptions();
        if (options.Rank < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Rank, string.Create(CultureInfo.InvariantCulture, $"'options.Rank' is {options.Rank}; it must be zero or more."));
        }

        return new PlannedLoaderOptions { Shuffle = options.Shuffle, Seed = options.Seed, Rank = options.Rank, Device = options.Device, Prefetch = options.Prefetch };
    }

    private static Dictionary<string, Tensor> Stack(IEnumerable<Dictionary<string, Tensor>> samples, Device device)
    {
        var list = samples as IReadOnlyList<Dictionary<string, Tensor>> ?? samples.ToList();
        var batch = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (string key in list[0].Keys)
        {
            Tensor stacked = stack(list.Select(sample => sample[key]), 0);
            batch[key] = stacked.device == device ? stacked : stacked.to(device, disposeAfter: true);
        }

        return batch;
    }
}
