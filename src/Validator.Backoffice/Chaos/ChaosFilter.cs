using System.Globalization;

namespace Validator.Backoffice.Chaos;

/// <summary>Applies the chaos rule to device requests: delay, fail, or mark the request to be cut after it stored its data.</summary>
internal sealed class ChaosFilter(ChaosSwitch chaos, string endpoint) : IEndpointFilter
{
    /// <summary>Set in <see cref="HttpContext.Items"/> when the handler must drop the connection after storing.</summary>
    public const string AbortAfterStoreItem = "validator.chaos.abort";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!chaos.TryTake(endpoint, out var rule)) return await next(context).ConfigureAwait(false);

        if (rule.DelayMilliseconds > 0) await Task.Delay(rule.DelayMilliseconds, http.RequestAborted).ConfigureAwait(false);
        if (rule.FailWithStatus is { } status)
        {
            if (rule.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: status, title: "Chaos switch: deliberate failure.");
        }
        if (rule.AbortAfterStore) http.Items[AbortAfterStoreItem] = true;
        return await next(context).ConfigureAwait(false);
    }
}
