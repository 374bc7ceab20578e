using System.Text.Json.Serialization;

namespace BatchLr.TorchSharp;

/// <summary>The source-generated serializer of <see cref="TrainingState"/>: no reflection, trimming-safe.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(TrainingState))]
internal sealed partial class TrainingStateJsonContext : JsonSerializerContext;
