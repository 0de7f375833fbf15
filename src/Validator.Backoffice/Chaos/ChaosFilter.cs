using System.Globalization;

namespace Validator.Backoffice.Chaos;

/// <summary>Applies the chaos rule to device requests: delay, fail, mark the request to be cut after it stored its data, or damage the answer body.</summary>
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
        var result = await next(context).ConfigureAwait(false);
        return (rule.CorruptBody || rule.CutBody) && result is IResult answer ? new DamagedBody(answer, rule.CutBody) : result;
    }

    /// <summary>The answer rendered into memory, then sent with one bit flipped, or cut off half-way.</summary>
    private sealed class DamagedBody(IResult answer, bool cut) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var original = response.Body;
            using var rendered = new MemoryStream();
            response.Body = rendered;
            try
            {
                await answer.ExecuteAsync(httpContext).ConfigureAwait(false);
            }
            finally
            {
                response.Body = original;
            }
            var bytes = rendered.ToArray();
            response.ContentLength = bytes.Length;
            if (!cut)
            {
                if (bytes.Length > 0) bytes[bytes.Length / 2] ^= 0x04;
                await original.WriteAsync(bytes, httpContext.RequestAborted).ConfigureAwait(false);
                return;
            }
            // Fewer bytes than the announced length: Kestrel closes the connection once the handler returns.
            await original.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
