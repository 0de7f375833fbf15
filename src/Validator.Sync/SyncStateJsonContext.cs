using System.Text.Json;
using System.Text.Json.Serialization;
using Validator.Core.Sync;
using Validator.Sync.Upload;

namespace Validator.Sync;

/// <summary>Source-generated JSON for the files the sync jobs keep on the device.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(CardTokenJsonConverter)], WriteIndented = true)]
[JsonSerializable(typeof(UploaderState))]
[JsonSerializable(typeof(SetAsideBatch))]
internal sealed partial class SyncStateJsonContext : JsonSerializerContext;
