using System.Text.Json;
using Validator.Backoffice.Auth;
using Validator.Backoffice.Chaos;
using Validator.Backoffice.Lists;
using Validator.Backoffice.Storage;
using Validator.Core.Sync;

namespace Validator.Backoffice.Endpoints;

/// <summary>The routes a device calls, each under its own id: taps, heartbeat, lists, status.</summary>
internal static class DeviceEndpoints
{
    public static void Map(WebApplication app)
    {
        var chaos = app.Services.GetRequiredService<ChaosSwitch>();
        var group = app.MapGroup("/v1/devices/{deviceId}")
            .AddEndpointFilter(new DeviceAuthFilter(app.Services.GetRequiredService<BackofficeOptions>()))
            .WithTags("device");

        group.MapPost("/taps", StoreTaps)
            .AddEndpointFilter(new ChaosFilter(chaos, "taps"))
            .Accepts<TapBatch>("application/json")
            .Produces<TapBatchReceipt>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Stores a batch of taps, idempotently by tap id.");

        group.MapPost("/heartbeat", (string deviceId, Heartbeat heartbeat, DeviceStore devices, ListRepository lists, TimeProvider time) =>
            {
                devices.Record(deviceId, heartbeat);
                return TypedResults.Ok(new HeartbeatReply { ServerTime = time.GetUtcNow(), Lists = lists.CurrentVersions });
            })
            .AddEndpointFilter(new ChaosFilter(chaos, "heartbeat"))
            .WithSummary("Records the device's status and answers with the server clock and the published list versions.");

        group.MapGet("/lists/{list}", async (string list, long? since, ListPublisher publisher, HttpContext http) =>
            {
                if (!ListKinds.TryParse(list, out var kind)) return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"There is no list '{list}'.");
                var package = await publisher.PackageAsync(kind, since ?? 0, http.RequestAborted);
                if (package is null) return Results.NoContent();
                http.Response.Headers[SyncHeaders.ListSignature] = package.Signature;
                http.Response.Headers[SyncHeaders.ListKeyId] = package.KeyId;
                return Results.Stream(package.Body, "application/json"); // disposed once sent: a delta's file goes with it, a kept snapshot's stays
            })
            .AddEndpointFilter(new ChaosFilter(chaos, "lists"))
            .Produces<ListPackage>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("A delta since version 'since', or a full snapshot when the device is too far behind, signed in the X-List-Signature header; 204 when current.");

        group.MapGet("/status", (string deviceId, DeviceStore devices) => TypedResults.Ok(devices.Get(deviceId)))
            .AddEndpointFilter(new ChaosFilter(chaos, "status"))
            .WithSummary("What the back office holds about this device.");
    }

    private static async Task<IResult> StoreTaps(string deviceId, HttpContext http, TapStore taps, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Validator.Backoffice.Taps");
        TapBatch? batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync(http.Request.Body, SyncJsonContext.Default.TapBatch, http.RequestAborted);
        }
        catch (JsonException e)
        {
            BackofficeLog.MalformedBatch(logger, deviceId, e.Message);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The batch is not valid JSON of the tap batch shape.", detail: e.Message);
        }
        catch (InvalidDataException e)
        {
            // Content-Encoding: gzip with bytes that do not inflate.
            BackofficeLog.MalformedBatch(logger, deviceId, e.Message);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The batch is not valid gzip.", detail: e.Message);
        }

        if (batch?.Taps is null || batch.Taps.Count is 0 or > TapBatch.MaxTaps || batch.Taps.Contains(null!))
        {
            BackofficeLog.MalformedBatch(logger, deviceId, "empty or oversized");
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"A batch holds 1 to {TapBatch.MaxTaps} taps, none of them null.");
        }
        if (batch.Taps.Any(t => !string.Equals(t.DeviceId, deviceId, StringComparison.Ordinal)))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "A device may only send its own taps.");
        }

        var receipt = taps.Store(deviceId, batch.Taps);
        if (http.Items.ContainsKey(ChaosFilter.AbortAfterStoreItem))
        {
            // Chaos: the batch is stored, the answer never arrives; the device must resend and get no duplicates.
            http.Abort();
            return Results.Empty;
        }
        return TypedResults.Ok(receipt);
    }
}
