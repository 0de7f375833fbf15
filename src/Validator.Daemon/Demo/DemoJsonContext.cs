using System.Text.Json;
using System.Text.Json.Serialization;
using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Daemon.Demo;

/// <summary>JSON of the admin calls the demo makes to seed the back office's lists (the back office's own wire format).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(CardTokenJsonConverter)], DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Entitlement[]))]
[JsonSerializable(typeof(DenyEntry[]))]
[JsonSerializable(typeof(FarePolicy))]
[JsonSerializable(typeof(DemoChaos))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;

/// <summary>The back office's chaos rule, as the demo uses it to cut the link.</summary>
internal sealed record DemoChaos(int Count, int FailWithStatus);
