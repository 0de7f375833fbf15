using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Validator.Core.Sync;
using Validator.Core.Taps;

namespace Validator.Sync.Upstream;

/// <summary>
/// The device's calls to the back office, each through the resilience pipeline; failures come back as
/// <see cref="UpstreamResult{T}"/> values (the network being gone is expected on a rural route, not exceptional).
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly SyncOptions _options;
    private readonly TimeProvider _time;
    private readonly string _devicePath;

    /// <summary>A client for <paramref name="options"/>'s back office; <paramref name="time"/> drives retry delays and the breaker.</summary>
    public UpstreamClient(SyncOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        var baseUrl = options.UpstreamUrl.EndsWith('/') ? options.UpstreamUrl : options.UpstreamUrl + "/";
        _http = new HttpClient(UpstreamHandler.Create(options)) { BaseAddress = new Uri(baseUrl), Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.DeviceSecret);
        _http.DefaultRequestHeaders.Add(SyncHeaders.DeviceId, options.DeviceId);
        _pipeline = UpstreamPipeline.Create(options, _time);
        _devicePath = "v1/devices/" + Uri.EscapeDataString(options.DeviceId);
    }

    /// <summary>Uploads a batch of taps.</summary>
    public Task<UpstreamResult<TapBatchReceipt>> SendTapsAsync(IReadOnlyList<TapRecord> taps, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new TapBatch { Taps = taps }, SyncJsonContext.Default.TapBatch);
        var compressed = _options.CompressUploads;
        // Compressed once, not per attempt: retries resend the same bytes.
        if (compressed) body = Gzip(body);
        return SendAsync(() => Post(_devicePath + "/taps", body, compressed), SyncJsonContext.Default.TapBatchReceipt, cancellationToken);
    }

    /// <summary>Sends a heartbeat.</summary>
    public Task<UpstreamResult<HeartbeatReply>> SendHeartbeatAsync(Heartbeat heartbeat, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(heartbeat, SyncJsonContext.Default.Heartbeat);
        return SendAsync(() => Post(_devicePath + "/heartbeat", body), SyncJsonContext.Default.HeartbeatReply, cancellationToken);
    }

    /// <summary>
    /// Asks for the package that brings <paramref name="list"/> from <paramref name="since"/> to the newest version and
    /// streams its body into the file <paramref name="file"/> (replaced), hashing it on the way: a million-entry
    /// package is never held in memory. The request goes through the pipeline up to the answer's headers; the body
    /// then may take as long as it needs while it keeps coming (a big list over a slow link), and is given up when no
    /// byte arrives for <see cref="SyncOptions.AttemptTimeout"/>. Nothing is verified or parsed here.
    /// </summary>
    public async Task<UpstreamResult<ListDownload>> DownloadListAsync(ListKind list, long since, string file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var path = string.Create(CultureInfo.InvariantCulture, $"{_devicePath}/lists/{list.ToSegment()}?since={since}");
        HttpResponseMessage? answer = null;
        var result = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, path),
            HttpCompletionOption.ResponseHeadersRead,
            (response, status, _) =>
            {
                answer = response;
                return Task.FromResult(new UpstreamResult<ListDownload>(UpstreamOutcome.Ok, HttpStatus: status));
            },
            keepResponse: true,
            cancellationToken).ConfigureAwait(false);
        if (answer is null) return result;
        using (answer)
        {
            try
            {
                return result with { Value = await SaveAsync(answer, file, _options.AttemptTimeout, cancellationToken).ConfigureAwait(false) };
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new UpstreamResult<ListDownload>(UpstreamOutcome.Unavailable, HttpStatus: result.HttpStatus,
                    Problem: $"the list download stalled: no data for {_options.AttemptTimeout.TotalSeconds:0.#} s");
            }
            catch (IOException e)
            {
                return new UpstreamResult<ListDownload>(UpstreamOutcome.Unavailable, HttpStatus: result.HttpStatus, Problem: "the list download was cut off: " + e.Message);
            }
            catch (HttpRequestException e)
            {
                return new UpstreamResult<ListDownload>(UpstreamOutcome.Unavailable, HttpStatus: result.HttpStatus, Problem: "the list download was cut off: " + e.Message);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage Post(string path, byte[] body, bool gzip = false)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (gzip) content.Headers.ContentEncoding.Add("gzip");
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    /// <summary>The bytes gzip-compressed (fastest level: most of the gain at a fraction of the CPU on a Pi).</summary>
    internal static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream(bytes.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>
    /// Copies the answer's body into <paramref name="file"/>, computing its SHA-256 as it goes; cancelled when no data
    /// comes for <paramref name="stall"/>.
    /// </summary>
    private static async Task<ListDownload> SaveAsync(HttpResponseMessage response, string file, TimeSpan stall, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var stalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var buffer = new byte[1 << 16];
        long length = 0;
        stalled.CancelAfter(stall);
        var body = await response.Content.ReadAsStreamAsync(stalled.Token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using (output.ConfigureAwait(false))
            {
                int read;
                while ((read = await body.ReadAsync(buffer, stalled.Token).ConfigureAwait(false)) > 0)
                {
                    stalled.CancelAfter(stall); // data came: the clock starts again
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                }
            }
        }
        return new ListDownload(file, length, hash.GetHashAndReset(), Header(response, SyncHeaders.ListSignature), Header(response, SyncHeaders.ListKeyId));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private Task<UpstreamResult<T>> SendAsync<T>(Func<HttpRequestMessage> request, JsonTypeInfo<T> answer, CancellationToken cancellationToken) =>
        SendAsync(request, HttpCompletionOption.ResponseContentRead, (response, status, ct) => ReadJsonAsync(response, status, answer, ct), keepResponse: false, cancellationToken);

    /// <summary>
    /// One call through the pipeline, which retries and times out each attempt up to <paramref name="completion"/>
    /// (with <see cref="HttpCompletionOption.ResponseContentRead"/> the whole answer is read inside the attempt, under
    /// its timeout). <paramref name="readAnswer"/> turns a successful answer into the result; with
    /// <paramref name="keepResponse"/> it takes over the response (and disposes it), else it is disposed here.
    /// </summary>
    private async Task<UpstreamResult<T>> SendAsync<T>(
        Func<HttpRequestMessage> request,
        HttpCompletionOption completion,
        Func<HttpResponseMessage, int, CancellationToken, Task<UpstreamResult<T>>> readAnswer,
        bool keepResponse,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async (state, ct) =>
                {
                    // A request message can be sent once; every attempt gets a new one.
                    using var message = state.request();
                    return await state.http.SendAsync(message, state.completion, ct).ConfigureAwait(false);
                },
                (request, http: _http, completion),
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            return new UpstreamResult<T>(UpstreamOutcome.Unavailable, Problem: "circuit open: " + e.Message, RetryAfter: e.RetryAfter);
        }
        catch (TimeoutRejectedException)
        {
            return new UpstreamResult<T>(UpstreamOutcome.Unavailable, Problem: $"no answer within {_options.AttemptTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new UpstreamResult<T>(UpstreamOutcome.Unavailable, Problem: e.Message);
        }

        var kept = false;
        try
        {
            var status = (int)response.StatusCode;
            var retryAfter = UpstreamPipeline.RetryAfter(response, _time);
            if (response.StatusCode == HttpStatusCode.NoContent) return new UpstreamResult<T>(UpstreamOutcome.NoContent, HttpStatus: status);
            if (response.IsSuccessStatusCode)
            {
                kept = keepResponse;
                return await readAnswer(response, status, cancellationToken).ConfigureAwait(false);
            }

            var problem = $"HTTP {status} {response.ReasonPhrase}";
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                return new UpstreamResult<T>(UpstreamOutcome.Unauthorized, HttpStatus: status, Problem: problem);
            if (IsMalformed(response.StatusCode))
                return new UpstreamResult<T>(UpstreamOutcome.Refused, HttpStatus: status, Problem: problem + ": " + await ReadProblem(response, cancellationToken).ConfigureAwait(false));
            // 5xx, 429, and also 404/405 and the like: a wrong Sync:UpstreamUrl or a back office mid-deploy, never
            // a reason to give up on the data itself.
            if (!UpstreamPipeline.IsTransient(response.StatusCode)) problem += " (is Sync:UpstreamUrl right?)";
            return new UpstreamResult<T>(UpstreamOutcome.Unavailable, HttpStatus: status, Problem: problem, RetryAfter: retryAfter);
        }
        finally
        {
            if (!kept) response.Dispose();
        }
    }

    private static async Task<UpstreamResult<T>> ReadJsonAsync<T>(HttpResponseMessage response, int status, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        try
        {
            var value = await response.Content.ReadFromJsonAsync(answer, cancellationToken).ConfigureAwait(false);
            return value is null
                ? new UpstreamResult<T>(UpstreamOutcome.Unavailable, HttpStatus: status, Problem: "empty answer")
                : new UpstreamResult<T>(UpstreamOutcome.Ok, value, status);
        }
        catch (JsonException e)
        {
            return new UpstreamResult<T>(UpstreamOutcome.Unavailable, HttpStatus: status, Problem: "unreadable answer: " + e.Message);
        }
    }

    /// <summary>The answers that say the request itself is wrong, so sending it again cannot help.</summary>
    private static bool IsMalformed(HttpStatusCode status) =>
        status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.UnprocessableEntity;

    private static async Task<string> ReadProblem(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return text.Length <= 500 ? text : text[..500];
    }
}
