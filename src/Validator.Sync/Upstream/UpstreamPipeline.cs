using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Validator.Sync.Upstream;

/// <summary>
/// The resilience pipeline every back office request runs through, outermost first: retry (exponential with jitter,
/// Retry-After honoured), circuit breaker (tuned for a device that makes a few calls a minute), attempt timeout.
/// Polly's defaults would not do: retry has no jitter and a constant delay, and the breaker needs 100 calls in 30 s.
/// </summary>
internal static class UpstreamPipeline
{
    public static ResiliencePipeline<HttpResponseMessage> Create(SyncOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.MaxRetryDelay,
            ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && ShouldRetry(args.Outcome, options.MaxRetryDelay, time)),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
            OnRetry = args =>
            {
                // The failed answer is dropped before the next attempt, or its connection stays taken.
                args.Outcome.Result?.Dispose();
                return ValueTask.CompletedTask;
            },
        });
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
            // Throttling is the server being careful, not broken; it does not count towards opening the circuit.
            ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome) && args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests),
        });
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>True for answers and errors that another attempt may fix.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>The server's Retry-After as a delay from now, when it sent one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null) return null;
        var delay = header.Delta ?? (header.Date is { } date ? date - time.GetUtcNow() : null);
        return delay is { } d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
    }

    private static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException or TimeoutRejectedException => true,
        null => outcome.Result is { } r && IsTransient(r.StatusCode),
        _ => false,
    };

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeSpan maxDelay, TimeProvider time)
    {
        if (!IsFailure(outcome)) return false;
        // A Retry-After longer than a retry may wait is handed back to the caller, whose persisted backoff honours it.
        return RetryAfter(outcome.Result, time) is not { } wait || wait <= maxDelay;
    }
}
