using System.Text.Json.Serialization;

namespace BatchLr;

/// <summary>The source-generated serializer of <see cref="TrainingPlannerState"/>: no reflection, trimming-safe.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(TrainingPlannerState))]
internal sealed partial class PlannerStateJsonContext : JsonSerializerContext;
