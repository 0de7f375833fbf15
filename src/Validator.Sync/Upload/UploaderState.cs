namespace Validator.Sync.Upload;

/// <summary>The uploader's backoff, persisted so a restart in the middle of an outage does not hammer the back office.</summary>
public sealed record UploaderState
{
    /// <summary>Failed drains in a row; 0 after a success.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>No upload is tried before this instant.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>Why the last drain failed; null after a success.</summary>
    public string? LastProblem { get; init; }

    /// <summary>Batches set aside (refused by the back office) since the state was created.</summary>
    public long BatchesSetAside { get; init; }
}
