using System.Security.Cryptography;
using System.Text;
using Validator.Core.Sync;

namespace Validator.Backoffice.Auth;

/// <summary>
/// Lets a device call only its own routes: the bearer secret must belong to the device named in the
/// <c>X-Device-Id</c> header, and that device must be the <c>{deviceId}</c> of the route.
/// Bearer over TLS rather than request signing: a signed request needs a trusted clock against replay,
/// and a Pi without RTC may boot with a clock in 1970; replaying a tap batch changes nothing anyway.
/// </summary>
internal sealed class DeviceAuthFilter(BackofficeOptions options) : IEndpointFilter
{
    private readonly Dictionary<string, byte[]> _secretHashes = options.Devices.ToDictionary(
        d => d.Id, d => SHA256.HashData(Encoding.UTF8.GetBytes(d.Secret)), StringComparer.Ordinal);

    /// <summary>The authenticated device id, stored in <see cref="HttpContext.Items"/>.</summary>
    public const string DeviceItem = "validator.device";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var deviceId = http.Request.Headers[SyncHeaders.DeviceId].ToString();
        var secret = BearerToken.Read(http.Request);
        if (secret is null || deviceId.Length == 0 || !_secretHashes.TryGetValue(deviceId, out var expected)
            || !CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(secret))))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unknown device or wrong secret.");
        }

        var routeDevice = http.Request.RouteValues["deviceId"] as string;
        if (!string.Equals(routeDevice, deviceId, StringComparison.Ordinal))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "A device may only use its own routes.");
        }

        http.Items[DeviceItem] = deviceId;
        return await next(context).ConfigureAwait(false);
    }
}
