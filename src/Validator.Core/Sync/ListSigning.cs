using System.Security.Cryptography;
using System.Text.Json;

namespace Validator.Core.Sync;

/// <summary>Signs list packages (back office) and verifies them (device): ECDSA P-256 with SHA-256 over the payload bytes.</summary>
public static class ListSigning
{
    /// <summary>Serialises <paramref name="package"/> and signs the bytes with <paramref name="key"/>.</summary>
    public static SignedListPackage Sign(ListPackage package, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(key);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(package, SyncJsonContext.Default.ListPackage);
        var signature = key.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new SignedListPackage
        {
            Payload = Convert.ToBase64String(bytes),
            Signature = Convert.ToBase64String(signature),
            KeyId = KeyId(key),
        };
    }

    /// <summary>
    /// Checks the signature with <paramref name="publicKey"/> and only then parses the payload.
    /// False (with <paramref name="problem"/> saying why) for a bad signature, bad base64 or bad JSON.
    /// </summary>
    public static bool TryOpen(SignedListPackage envelope, ECDsa publicKey, out ListPackage? package, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(publicKey);
        package = null;
        // The envelope came from the network: its non-nullable members can still be null in the JSON.
        if (envelope.Payload is null || envelope.Signature is null)
        {
            problem = "the package has no payload or no signature";
            return false;
        }
        byte[] bytes, signature;
        try
        {
            bytes = Convert.FromBase64String(envelope.Payload);
            signature = Convert.FromBase64String(envelope.Signature);
        }
        catch (FormatException)
        {
            problem = "the package is not valid base64";
            return false;
        }

        if (!publicKey.VerifyData(bytes, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            problem = $"the signature does not verify with the configured back office key {KeyId(publicKey)} (package says key {envelope.KeyId})";
            return false;
        }

        try
        {
            package = JsonSerializer.Deserialize(bytes, SyncJsonContext.Default.ListPackage);
        }
        catch (JsonException e)
        {
            problem = "the signed package is not a valid list package: " + e.Message;
            return false;
        }

        problem = package is null ? "the signed package is empty" : null;
        return package is not null;
    }

    /// <summary>The key id: the first 8 bytes of SHA-256 over the key's SubjectPublicKeyInfo, in lower-case hex.</summary>
    public static string KeyId(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var spki = key.ExportSubjectPublicKeyInfo();
        return Convert.ToHexStringLower(SHA256.HashData(spki).AsSpan(0, 8));
    }
}
