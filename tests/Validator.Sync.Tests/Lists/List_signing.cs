using System.Security.Cryptography;
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

    [OneTimeTearDown]
    public void DisposeKey() => Key.Dispose();

    [Test]
    public void A_signed_package_opens_with_the_public_key_and_reads_back_the_same()
    {
        using var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(Key.ExportSubjectPublicKeyInfo(), out _);

        Assert.That(ListSigning.TryOpen(ListSigning.Sign(Package, Key), publicKey, out var opened, out var problem), Is.True, problem);
        Assert.That(opened!.DenyEntries, Is.EqualTo(Package.DenyEntries));
        Assert.That(opened with { DenyEntries = null }, Is.EqualTo(Package with { DenyEntries = null }));
    }

    [Test]
    public void One_changed_byte_in_the_payload_is_refused()
    {
        var signed = ListSigning.Sign(Package, Key);
        var bytes = Convert.FromBase64String(signed.Payload);
        var at = Array.IndexOf(bytes, (byte)'3'); // the version digit: 3 -> 4
        bytes[at] = (byte)'4';

        var opened = ListSigning.TryOpen(signed with { Payload = Convert.ToBase64String(bytes) }, Key, out var package, out var problem);

        Assert.That(opened, Is.False);
        Assert.That(package, Is.Null);
        Assert.That(problem, Does.Contain("signature"));
    }

    [TestCase("AAAA")]
    [TestCase("not base64!")]
    [TestCase("")]
    public void A_malformed_signature_is_refused_without_throwing(string signature)
    {
        var signed = ListSigning.Sign(Package, Key) with { Signature = signature };

        Assert.That(ListSigning.TryOpen(signed, Key, out _, out var problem), Is.False);
        Assert.That(problem, Is.Not.Null);
    }
}
