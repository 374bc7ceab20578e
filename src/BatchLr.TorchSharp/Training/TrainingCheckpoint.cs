using System;
using System.Globalization;
using System.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace BatchLr.TorchSharp;

/// <summary>Saves and restores a planned training run: the model's and the optimizer's tensors, and a <see cref="TrainingState"/> with the planner, the loader's order and the random generator.</summary>
/// <remarks>
/// <para>
/// A checkpoint is a folder: <c>training.json</c> (the <see cref="TrainingState"/>) names the model's and the optimizer's files,
/// which carry the step in their names. Each file is written under a temporary name and renamed, the JSON last, so a save
/// interrupted at any point leaves the previous checkpoint whole; older tensor files are removed once the JSON points past them.
/// </para>
/// <para>
/// A run stopped at any step and resumed from its checkpoint continues with the same plans, the same samples and, on the CPU
/// with the same thread count, the same weights bit for bit as an uninterrupted run.
/// </para>
/// </remarks>
public static class TrainingCheckpoint
{
    /// <summary>The name of the checkpoint's state file.</summary>
    public const string StateFileName = "training.json";

    /// <summary>Saves a run at the current step.</summary>
    /// <typeparam name="TBatch">The loader's batch shape.</typeparam>
    /// <param name="folder">The checkpoint's folder; created if missing.</param>
    /// <param name="model">The model; its parameters and buffers are saved.</param>
    /// <param name="optimizer">The optimizer; its state (moments, step counts, learning rates) is saved.</param>
    /// <param name="planner">The planner; its whole state is saved.</param>
    /// <param name="loader">The loader; its order is saved, so a resumed run can be checked to read the same one.</param>
    /// <returns>The state written to <see cref="StateFileName"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="optimizer"/> cannot save its state (it is not one of TorchSharp's optimizers).</exception>
    /// <exception cref="IOException">A file cannot be written; the previous checkpoint in the folder is still whole.</exception>
    public static TrainingState Save<TBatch>(string folder, nn.Module model, Optimizer optimizer, TrainingPlanner planner, PlannedLoader<TBatch> loader)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(loader);
        OptimizerHelper saver = Savable(optimizer);
        Directory.CreateDirectory(folder);
        string statePath = Path.Combine(folder, StateFileName);
        TrainingState? previous = File.Exists(statePath) ? TryRead(statePath) : null;

        TrainingPlannerState plannerState = planner.State;
        string stamp = plannerState.Step.ToString(CultureInfo.InvariantCulture);
        string modelFile = "model-" + stamp + ".bin";
        string optimizerFile = "optimizer-" + stamp + ".bin";
        WriteAtomically(Path.Combine(folder, modelFile), stream =>
        {
            using var writer = new BinaryWriter(stream);
            model.save(writer);
        });
        WriteAtomically(Path.Combine(folder, optimizerFile), stream =>
        {
            using var writer = new BinaryWriter(stream);
            saver.save_state_dict(writer);
        });

        byte[] random;
        using (Tensor rng = get_rng_state())
        {
            random = rng.data<byte>().ToArray();
        }

        var state = new TrainingState(plannerState, loader.Count, loader.Seed, loader.Shuffle, random, modelFile, optimizerFile);
        WriteAtomically(statePath, stream =>
        {
            using var writer = new StreamWriter(stream);
            writer.Write(state.ToJson());
        });

        if (previous is not null)
        {
            DeleteIfOther(folder, previous.ModelFile, modelFile);
            DeleteIfOther(folder, previous.OptimizerFile, optimizerFile);
        }

        return state;
    }

    /// <summary>Restores a run: loads the model's and the optimizer's tensors and the random generator, and returns the planner's state.</summary>
    /// <typeparam name="TBatch">The loader's batch shape.</typeparam>
    /// <param name="folder">The checkpoint's folder.</param>
    /// <param name="model">The model, built as the saved one was; its parameters and buffers are replaced.</param>
    /// <param name="optimizer">The optimizer, built as the saved one was over <paramref name="model"/>'s parameters; its state is replaced.</param>
    /// <param name="loader">The loader, which must read the saved order: the same samples, seed and shuffling.</param>
    /// <returns>The planner's state: resume with <c>new TrainingPlanner(options, state.Planner)</c> and the saved run's options.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The folder holds no checkpoint.</exception>
    /// <exception cref="ArgumentException">The loader reads another order than the saved one (the run would repeat some samples and skip others), or the state file is not a training state; nothing is loaded.</exception>
    public static TrainingState Load<TBatch>(string folder, nn.Module model, Optimizer optimizer, PlannedLoader<TBatch> loader)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loader);
        OptimizerHelper loading = Savable(optimizer);
        string statePath = Path.Combine(folder, StateFileName);
        if (!File.Exists(statePath))
        {
            throw new FileNotFoundException("The folder holds no checkpoint: '" + StateFileName + "' is missing.", statePath);
        }

        TrainingState state = TrainingState.FromJson(File.ReadAllText(statePath));
        if (state.LoaderCount != loader.Count || state.LoaderSeed != loader.Seed || state.LoaderShuffle != loader.Shuffle)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The loader reads {loader.Count} samples with seed {loader.Seed}{(loader.Shuffle ? string.Empty : ", unshuffled")}; the checkpoint was saved with {state.LoaderCount} samples and seed {state.LoaderSeed}{(state.LoaderShuffle ? string.Empty : ", unshuffled")}. Resuming with another order would repeat some samples and skip others. Nothing was loaded."),
                nameof(loader));
        }

        using (var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, state.ModelFile))))
        {
            model.load(reader);
        }

        using (var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, state.OptimizerFile))))
        {
            loading.load_state_dict(reader);
        }

        using (Tensor rng = tensor(state.RandomState, dtype: ScalarType.Byte))
        {
            set_rng_state(rng);
        }

        return state;
    }

    private static OptimizerHelper Savable(Optimizer optimizer) => optimizer as OptimizerHelper
        ?? throw new ArgumentException("'optimizer' is a " + optimizer.GetType().Name + ", which cannot save its state; TorchSharp's optimizers (SGD, Adam, AdamW, ...) can.", nameof(optimizer));

    private static TrainingState? TryRead(string path)
    {
        try
        {
            return TrainingState.FromJson(File.ReadAllText(path));
        }
        catch (ArgumentException)
        {
            return null; // not ours to clean up after
        }
    }

    private static void DeleteIfOther(string folder, string file, string current)
    {
        if (!string.Equals(file, current, StringComparison.Ordinal) && file.IndexOfAny(Path.GetInvalidFileNameChars()) < 0 && Path.GetFileName(file) == file)
        {
            File.Delete(Path.Combine(folder, file));
        }
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        string temporary = path + ".tmp";
        using (FileStream stream = File.Create(temporary))
        {
            write(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
