using System.Text.Json.Serialization;

namespace BatchLr.Memory;

/// <summary>The source-generated serializer of <see cref="MicroBatchCache"/>: no reflection, trimming-safe; enums as their names.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(MicroBatchCacheDocument))]
internal sealed partial class MicroBatchCacheJsonContext : JsonSerializerContext;
