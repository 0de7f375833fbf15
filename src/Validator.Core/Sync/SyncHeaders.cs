namespace Validator.Core.Sync;

/// <summary>HTTP header names of the device protocol (docs/api.md).</summary>
public static class SyncHeaders
{
    /// <summary>Names the device whose secret is in the bearer token.</summary>
    public const string DeviceId = "X-Device-Id";
}
