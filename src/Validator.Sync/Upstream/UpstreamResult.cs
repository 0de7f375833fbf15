namespace Validator.Sync.Upstream;

/// <summary>How a call to the back office ended, after the retries of its pipeline.</summary>
public enum UpstreamOutcome
{
    /// <summary>Answered with a body.</summary>
    Ok,

    /// <summary>Answered 204: nothing new.</summary>
    NoContent,

    /// <summary>Refused as malformed (400, 413, 415, 422); sending it again would fail the same way.</summary>
    Refused,

    /// <summary>Refused our credentials (401/403): a configuration problem, not the network.</summary>
    Unauthorized,

    /// <summary>Not reached or not answering (network, timeouts, 5xx, 429, other 4xx such as 404, open circuit) after the retries.</summary>
    Unavailable,
}

/// <summary>The result of one back office call.</summary>
/// <typeparam name="T">The answer's type.</typeparam>
/// <param name="Outcome">How it ended.</param>
/// <param name="Value">The answer, for <see cref="UpstreamOutcome.Ok"/>.</param>
/// <param name="HttpStatus">The last HTTP status, if an answer arrived.</param>
/// <param name="Problem">What went wrong, for logs and the heartbeat.</param>
/// <param name="RetryAfter">The server's Retry-After, when it sent one.</param>
public sealed record UpstreamResult<T>(UpstreamOutcome Outcome, T? Value = default, int? HttpStatus = null, string? Problem = null, TimeSpan? RetryAfter = null);

/// <summary>A list package downloaded into a file, not yet verified or parsed.</summary>
/// <param name="Path">The file holding the answer body.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="Sha256">SHA-256 of the body, computed while it was downloaded.</param>
/// <param name="Signature">The <c>X-List-Signature</c> header, if any.</param>
/// <param name="KeyId">The <c>X-List-Key-Id</c> header, if any.</param>
public sealed record ListDownload(string Path, long Length, byte[] Sha256, string? Signature, string? KeyId);
