using System.Security.Cryptography;

namespace Validator.Core.Sync;

/// <summary>
/// Signs list packages (back office) and verifies them (device): ECDSA P-256 with SHA-256 over the exact bytes of the
/// package's UTF-8 JSON, as sent in the answer body. Both sides work on the SHA-256 digest, which each computes while
/// the bytes stream past (written to, or downloaded into, a file), so a million-entry package is never held in memory.
/// Signing bytes, not a re-serialised object, means no canonical JSON is needed: the device verifies what it
/// received, then parses it.
/// </summary>
public static class ListSigning
{
    private const DSASignatureFormat Format = DSASignatureFormat.IeeeP1363FixedFieldConcatenation;

    /// <summary>The signature (base64 of r || s, 64 bytes) over the bytes whose SHA-256 digest is <paramref name="sha256"/>.</summary>
    public static string SignHash(ReadOnlySpan<byte> sha256, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (sha256.Length != SHA256.HashSizeInBytes) throw new ArgumentException("A SHA-256 digest has 32 bytes.", nameof(sha256));
        return Convert.ToBase64String(key.SignHash(sha256, Format));
    }

    /// <summary>The signature (base64) over <paramref name="package"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> package, ECDsa key) => SignHash(SHA256.HashData(package), key);

    /// <summary>
    /// Checks <paramref name="signature"/> (base64, as in <see cref="SyncHeaders.ListSignature"/>) over the bytes whose
    /// SHA-256 digest is <paramref name="sha256"/> with <paramref name="publicKey"/>. False, with
    /// <paramref name="problem"/> saying why, for a missing, malformed or wrong signature.
    /// </summary>
    public static bool TryVerifyHash(ReadOnlySpan<byte> sha256, string? signature, string? keyId, ECDsa publicKey, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (string.IsNullOrEmpty(signature))
        {
            problem = $"the package has no signature ({SyncHeaders.ListSignature})";
            return false;
        }
        var bytes = new byte[64];
        if (!Convert.TryFromBase64String(signature, bytes, out var length) || length != bytes.Length)
        {
            problem = "the package signature is not 64 bytes of base64";
            return false;
        }
        if (!publicKey.VerifyHash(sha256, bytes, Format))
        {
            problem = $"the signature does not verify with the configured back office key {KeyId(publicKey)} (package says key {keyId ?? "none"})";
            return false;
        }
        problem = null;
        return true;
    }

    /// <summary>The key id: the first 8 bytes of SHA-256 over the key's SubjectPublicKeyInfo, in lower-case hex.</summary>
    public static string KeyId(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var spki = key.ExportSubjectPublicKeyInfo();
        return Convert.ToHexStringLower(SHA256.HashData(spki).AsSpan(0, 8));
    }
}
