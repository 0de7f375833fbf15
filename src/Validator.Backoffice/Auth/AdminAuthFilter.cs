using System.Security.Cryptography;
using System.Text;

namespace Validator.Backoffice.Auth;

/// <summary>Admits admin calls carrying the admin bearer token; device secrets are not accepted here.</summary>
internal sealed class AdminAuthFilter(BackofficeOptions options) : IEndpointFilter
{
    private readonly byte[] _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.AdminToken));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var token = BearerToken.Read(context.HttpContext.Request);
        if (token is null || !CryptographicOperations.FixedTimeEquals(_tokenHash, SHA256.HashData(Encoding.UTF8.GetBytes(token))))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Admin token missing or wrong.");
        }
        return await next(context).ConfigureAwait(false);
    }
}
