using System.Text.Json;
using System.Text.Json.Serialization;
using Validator.Core.Lists;
using Validator.Core.Taps;

namespace Validator.Core.Sync;

/// <summary>Source-generated JSON for everything a device and the back office exchange (camelCase, tokens as hex).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    Converters = [typeof(CardTokenJsonConverter)],
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TapBatch))]
[JsonSerializable(typeof(TapBatchReceipt))]
[JsonSerializable(typeof(TapRecord))]
[JsonSerializable(typeof(Heartbeat))]
[JsonSerializable(typeof(HeartbeatReply))]
[JsonSerializable(typeof(DeviceView))]
[JsonSerializable(typeof(ListPackage))]
[JsonSerializable(typeof(DenyEntry))]
[JsonSerializable(typeof(DenyKey))]
[JsonSerializable(typeof(Entitlement))]
[JsonSerializable(typeof(FarePolicy))]
[JsonSerializable(typeof(ListVersions))]
public sealed partial class SyncJsonContext : JsonSerializerContext;
