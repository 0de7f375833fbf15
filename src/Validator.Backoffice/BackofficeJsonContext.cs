using System.Text.Json;
using System.Text.Json.Serialization;
using Validator.Backoffice.Chaos;
using Validator.Backoffice.Endpoints;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Core.Taps;

namespace Validator.Backoffice;

/// <summary>Source-generated JSON for the admin API (the device protocol's types are in <see cref="SyncJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    Converters = [typeof(CardTokenJsonConverter)],
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DenyEntry[]))]
[JsonSerializable(typeof(DenyKey[]))]
[JsonSerializable(typeof(Entitlement[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<TapRecord>))]
[JsonSerializable(typeof(IReadOnlyList<TapRecord>))]
[JsonSerializable(typeof(IReadOnlyList<DeviceView>))]
[JsonSerializable(typeof(ListVersionChange))]
[JsonSerializable(typeof(BackofficeStats))]
[JsonSerializable(typeof(ChaosRequest))]
[JsonSerializable(typeof(ChaosState))]
internal sealed partial class BackofficeJsonContext : JsonSerializerContext;
