using System.Security.Cryptography;
using Validator.Backoffice.Auth;
using Validator.Backoffice.Chaos;
using Validator.Backoffice.Lists;
using Validator.Backoffice.Storage;
using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Backoffice.Endpoints;

/// <summary>The admin routes: list maintenance, reading taps and device status, and (when enabled) the chaos switch.</summary>
internal static class AdminEndpoints
{
    public static void Map(WebApplication app)
    {
        var options = app.Services.GetRequiredService<BackofficeOptions>();
        var group = app.MapGroup("/v1/admin").AddEndpointFilter(new AdminAuthFilter(options)).WithTags("admin");

        group.MapPost("/deny", (DenyEntry[] entries, ListRepository lists) => Change(ListKind.Deny, entries, () => lists.AddDeny(entries)))
            .WithSummary("Adds (or replaces) deny entries; one new deny list version.");
        group.MapPost("/deny/remove", (DenyKey[] keys, ListRepository lists) => Change<object>(ListKind.Deny, [], () => lists.RemoveDeny(keys)))
            .WithSummary("Removes deny entries by key; one new deny list version.");
        group.MapPut("/entitlements", (Entitlement[] entitlements, ListRepository lists) => Change(ListKind.Entitlements, entitlements, () => lists.PutEntitlements(entitlements)))
            .WithSummary("Adds or replaces entitlements by id; one new entitlements version.");
        group.MapPost("/entitlements/remove", (string[] ids, ListRepository lists) => Change(ListKind.Entitlements, ids, () => lists.RemoveEntitlements(ids)))
            .WithSummary("Removes entitlements by id; one new entitlements version.");
        group.MapPut("/policy", (FarePolicy policy, ListRepository lists) => Change<object>(ListKind.Policy, [], () => lists.PutPolicy(policy)))
            .WithSummary("Replaces the fare policy; one new policy version.");

        group.MapGet("/taps", (string deviceId, long? afterSequence, int? limit, TapStore taps) =>
                TypedResults.Ok(taps.Read(deviceId, afterSequence ?? 0, Math.Clamp(limit ?? 1000, 1, 10_000))))
            .WithSummary("A device's stored taps in sequence order.");
        group.MapGet("/devices", (DeviceStore devices) => TypedResults.Ok(devices.All())).WithSummary("Every device seen.");
        group.MapGet("/devices/{deviceId}", (string deviceId, DeviceStore devices) => TypedResults.Ok(devices.Get(deviceId)))
            .WithSummary("One device's last heartbeat and tap counters.");
        group.MapGet("/stats", (TapStore taps, ListRepository lists) => TypedResults.Ok(new BackofficeStats
            {
                TapsStored = taps.Count,
                DuplicatesReceived = taps.DuplicatesReceived,
                BatchesReceived = taps.BatchesReceived,
                Lists = lists.CurrentVersions,
            }))
            .WithSummary("Counters for tests and the demo.");
        group.MapGet("/signing-key", (ECDsa key) => Results.Text(key.ExportSubjectPublicKeyInfoPem(), "application/x-pem-file"))
            .WithSummary("The list signing public key (PEM) to put into device configuration.");

        if (!options.EnableChaos) return;
        var chaos = app.Services.GetRequiredService<ChaosSwitch>();
        group.MapPost("/chaos", (ChaosRequest rule) =>
            {
                chaos.Set(rule);
                return TypedResults.Ok(chaos.State);
            })
            .WithSummary("Test only: makes the next device requests fail, wait, or lose their answer.");
        group.MapGet("/chaos", () => TypedResults.Ok(chaos.State)).WithSummary("Test only: the chaos rule in force.");
        group.MapDelete("/chaos", () =>
            {
                chaos.Clear();
                return TypedResults.Ok(chaos.State);
            })
            .WithSummary("Test only: clears the chaos rule.");
    }

    private static IResult Change<T>(ListKind list, T?[] items, Func<long> change)
        where T : class
    {
        // JSON arrays can hold null where an entry goes.
        if (Array.Exists(items, i => i is null))
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The change was refused; nothing was written.", detail: "The array holds null where an entry goes.");
        try
        {
            return TypedResults.Ok(new ListVersionChange(list, change()));
        }
        catch (ArgumentException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The change was refused; nothing was written.", detail: e.Message);
        }
    }
}
