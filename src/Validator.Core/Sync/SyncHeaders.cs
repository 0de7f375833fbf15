namespace Validator.Core.Sync;

/// <summary>HTTP header names of the device protocol (docs/api.md).</summary>
public static class SyncHeaders
{
    /// <summary>Names the device whose secret is in the bearer token.</summary>
    public const string DeviceId = "X-Device-Id";

    /// <summary>On a list package answer: base64 of the ECDSA P-256 / SHA-256 signature (IEEE P1363, r || s) over the exact body bytes.</summary>
    public const string ListSignature = "X-List-Signature";

    /// <summary>On a list package answer: the id of the key that signed it (<see cref="ListSigning.KeyId"/>).</summary>
    public const string ListKeyId = "X-List-Key-Id";
}
