namespace Validator.Backoffice.Chaos;

/// <summary>What the next device requests should suffer; see docs/api.md, "Chaos switch".</summary>
public sealed record ChaosRequest
{
    /// <summary>How many requests are affected.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Answer with this status (500, 503, 429, …) instead of handling the request; null to handle it.</summary>
    public int? FailWithStatus { get; init; }

    /// <summary>Retry-After seconds sent with a failure; null for none.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Wait this long before handling (or failing) the request.</summary>
    public int DelayMilliseconds { get; init; }

    /// <summary>Store a tap batch, then drop the connection instead of answering.</summary>
    public bool AbortAfterStore { get; init; }

    /// <summary>Flip one bit in the middle of the answer body, as a link or proxy that damages it on the way.</summary>
    public bool CorruptBody { get; init; }

    /// <summary>Send the first half of the answer body (with the full length announced), then drop the connection.</summary>
    public bool CutBody { get; init; }

    /// <summary>Only requests to this endpoint ("taps", "heartbeat", "lists", "status"); null for every device request.</summary>
    public string? Endpoint { get; init; }
}

/// <summary>The chaos switch's state: the rule in force and how many requests it still affects.</summary>
/// <param name="Rule">The rule; null when none is set.</param>
/// <param name="Remaining">Requests it will still affect.</param>
/// <param name="Applied">Requests affected since it was set.</param>
public sealed record ChaosState(ChaosRequest? Rule, int Remaining, int Applied);
