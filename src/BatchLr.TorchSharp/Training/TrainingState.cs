using System;
using System.Text.Json;

namespace BatchLr.TorchSharp;

/// <summary>Holds what a planned training run remembers besides the model's and the optimizer's tensors: the planner's state, the loader's order, the random generator, and where the tensors were saved.</summary>
/// <param name="Planner">The planner's state; its <see cref="StepPlan.DataOffset"/> is the loader's position.</param>
/// <param name="LoaderCount">The samples in one epoch of the loader.</param>
/// <param name="LoaderSeed">The seed of the loader's epoch orders.</param>
/// <param name="LoaderShuffle">Whether the loader shuffles each epoch.</param>
/// <param name="RandomState">TorchSharp's default CPU generator state (<c>torch.get_rng_state()</c>), so random layers such as dropout continue their sequence.</param>
/// <param name="ModelFile">The file, in the checkpoint's folder, that holds the model's parameters and buffers.</param>
/// <param name="OptimizerFile">The file, in the checkpoint's folder, that holds the optimizer's state.</param>
public sealed record TrainingState(
    TrainingPlannerState Planner,
    long LoaderCount,
    long LoaderSeed,
    bool LoaderShuffle,
    byte[] RandomState,
    string ModelFile,
    string OptimizerFile)
{
    /// <summary>The format version this version of BatchLr.TorchSharp writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Gets the format version.</summary>
    /// <value>The default is <see cref="CurrentVersion"/>.</value>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Reads a state written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The text is not a training state of version <see cref="CurrentVersion"/>.</exception>
    public static TrainingState FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        TrainingState? state;
        try
        {
            state = JsonSerializer.Deserialize(json, TrainingStateJsonContext.Default.TrainingState);
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The training state is not valid: " + e.Message, nameof(json), e);
        }

        if (state is null || state.Planner is null || state.RandomState is null || state.ModelFile is null || state.OptimizerFile is null)
        {
            throw new ArgumentException("The training state lacks a field; it must be an object written by TrainingState.ToJson.", nameof(json));
        }

        if (state.Version != CurrentVersion)
        {
            throw new ArgumentException(
                "The training state's 'Version' is " + state.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; this version of BatchLr.TorchSharp reads version " + CurrentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".",
                nameof(json));
        }

        return state;
    }

    /// <summary>Writes the state as indented JSON.</summary>
    /// <returns>The JSON text, which <see cref="FromJson(string)"/> reads back to an equal state.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, TrainingStateJsonContext.Default.TrainingState);
}
