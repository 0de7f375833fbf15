using System.Security.Cryptography;
using System.Text.Json;
using Validator.Core.Lists;
using Validator.Core.Sync;

namespace Validator.Sync.Tests.Lists;

public sealed class List_signing
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static readonly ListPackage Package = new()
    {
        List = ListKind.Deny,
        Format = ListPackageFormat.Snapshot,
        Version = 3,
        CreatedAt = new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero),
        ExpiresAt = new DateTimeOffset(2026, 12, 5, 5, 0, 0, TimeSpan.Zero),
        EntryCount = 1,
        DenyEntries = [new DenyEntry { Token = Backoffice.Tests.Support.TestTaps.Token(1), Reason = DenyReason.Lost, AddedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero) }],
    };

    private static readonly byte[] Bytes = JsonSerializer.SerializeToUtf8Bytes(Package, SyncJsonContext.Default.ListPackage);

    [OneTimeTearDown]
    public void DisposeKey() => Key.Dispose();

    [Test]
    public void A_signature_over_the_bytes_verifies_with_the_public_key_from_their_digest()
    {
        using var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(Key.ExportSubjectPublicKeyInfo(), out _);

        var signature = ListSigning.Sign(Bytes, Key);

        Assert.That(ListSigning.TryVerifyHash(SHA256.HashData(Bytes), signature, ListSigning.KeyId(Key), publicKey, out var problem), Is.True, problem);
    }

    [Test]
    public void One_changed_byte_in_the_package_is_refused()
    {
        var signature = ListSigning.Sign(Bytes, Key);
        var changed = Bytes.ToArray();
        var at = Array.IndexOf(changed, (byte)'3'); // the version digit: 3 -> 4
        changed[at] = (byte)'4';

        var verified = ListSigning.TryVerifyHash(SHA256.HashData(changed), signature, null, Key, out var problem);

        Assert.That(verified, Is.False);
        Assert.That(problem, Does.Contain("signature"));
    }

    [TestCase("AAAA")]
    [TestCase("not base64!")]
    [TestCase("")]
    [TestCase(null)]
    public void A_malformed_or_missing_signature_is_refused_without_throwing(string? signature)
    {
        Assert.That(ListSigning.TryVerifyHash(SHA256.HashData(Bytes), signature, null, Key, out var problem), Is.False);
        Assert.That(problem, Is.Not.Null);
    }
}
