using System;
using System.Text.Json;
using BatchLr.Batching;
using BatchLr.Feedback;
using BatchLr.Schedules;

namespace BatchLr;

/// <summary>Holds everything a <see cref="TrainingPlanner"/> remembers; saved with a checkpoint, it resumes to the identical plans.</summary>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="Samples">Samples consumed.</param>
/// <param name="Tokens">Tokens consumed.</param>
/// <param name="SchedulePosition">The schedules' position when the scaling rule advances it (AdaScale); otherwise equal to <paramref name="Step"/>.</param>
/// <param name="Noise">The gradient-noise estimator's state.</param>
/// <param name="Plateau">The reduce-on-plateau state, when the schedule has one: its values are the factors of the groups.</param>
/// <param name="BatchSize">The adaptive batch-size policy's state, when the policy is adaptive.</param>
/// <remarks>
/// <para>
/// Two states are equal when every field is, nested states compared by content, so a state equals its own JSON round trip.
/// <see cref="ToJson"/> and <see cref="FromJson(string)"/> write and read the format this version of BatchLr defines
/// (<see cref="Version"/>); <see cref="Fingerprint"/> identifies the configuration that produced the state, and a planner
/// configured otherwise refuses it.
/// </para>
/// </remarks>
public sealed record TrainingPlannerState(
    long Step,
    long Samples,
    long Tokens,
    double SchedulePosition,
    GradientNoiseEstimatorState Noise,
    ReduceOnPlateauState? Plateau,
    AdaptiveBatchState? BatchSize)
{
    /// <summary>The format version this version of BatchLr writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Gets the format version of the state.</summary>
    /// <value>The default is <see cref="CurrentVersion"/>.</value>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Gets the samples passed over, at epochs' ends (<see cref="EpochBoundary.Drop"/>) and by skipped steps (<see cref="TrainingPlanner.SkipStep"/>), which the epoch clock counts and the samples clock does not.</summary>
    /// <value>Zero or more. The default is 0.</value>
    public long SkippedSamples { get; init; }

    /// <summary>Gets the micro-batch limit an out-of-memory lowered, or <see langword="null"/> while it is the configured <see cref="TrainingPlannerOptions.MaxMicroBatchSize"/>.</summary>
    public int? MicroBatchLimit { get; init; }

    /// <summary>Gets the good steps since the micro-batch limit was last lowered or raised, counted toward <see cref="TrainingPlannerOptions.MicroBatchRegrowthInterval"/>.</summary>
    public int StepsSinceShrink { get; init; }

    /// <summary>Gets the fingerprint of the planner configuration that saved the state, or <see langword="null"/> to resume without the check.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Reads a state written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The text is not a training state, or its <c>Version</c> is missing or not <see cref="CurrentVersion"/>.</exception>
    public static TrainingPlannerState FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using (JsonDocument document = JsonDocument.Parse(json))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty(nameof(Version), out JsonElement version)
                    || version.ValueKind != JsonValueKind.Number)
                {
                    throw new ArgumentException("The training state has no 'Version'; it must be an object written by TrainingPlannerState.ToJson.", nameof(json));
                }

                if (!version.TryGetInt32(out int number) || number != CurrentVersion)
                {
                    throw new ArgumentException(
                        "The training state's 'Version' is " + version.GetRawText() + "; this version of BatchLr reads version " + CurrentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".",
                        nameof(json));
                }
            }

            return JsonSerializer.Deserialize(json, PlannerStateJsonContext.Default.TrainingPlannerState)
                ?? throw new ArgumentException("The training state is null; it must be an object written by TrainingPlannerState.ToJson.", nameof(json));
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The training state is not valid: " + e.Message, nameof(json), e);
        }
    }

    /// <summary>Writes the state as JSON, with its <see cref="Version"/> and <see cref="Fingerprint"/>.</summary>
    /// <returns>Indented JSON that <see cref="FromJson(string)"/> reads back to an equal state.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, PlannerStateJsonContext.Default.TrainingPlannerState);
}
