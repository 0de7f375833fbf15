using System.Security.Cryptography;
using System.Text.Json;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Core.Taps;
using Validator.Sync.Lists;
using Validator.Sync.Upload;

namespace Validator.Sync.Tests.Lists;

/// <summary>Answers the fuzzer found breaking the device: each is now refused with a problem, nothing applied or settled.</summary>
public sealed class Damaged_answers
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 6, 0, 0, TimeSpan.Zero);

    private static ListPackage Deny(params DenyEntry?[] entries) => new()
    {
        List = ListKind.Deny,
        Format = ListPackageFormat.Snapshot,
        Version = 2,
        CreatedAt = Now,
        ExpiresAt = Now.AddDays(7),
        EntryCount = entries.Length,
        DenyEntries = entries!,
    };

    [Test]
    public void A_signed_package_whose_payload_or_signature_is_null_is_refused_without_throwing()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var envelope = JsonSerializer.Deserialize("{\"payload\":null,\"signature\":null,\"keyId\":\"x\"}", SyncJsonContext.Default.SignedListPackage)!;

        Assert.That(ListSigning.TryOpen(envelope, key, out var package, out var problem), Is.False);
        Assert.That(package, Is.Null);
        Assert.That(problem, Does.Contain("no payload"));
    }

    [Test]
    public void One_changed_byte_in_the_signature_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ListSigning.Sign(Deny(), key);
        var signature = Convert.FromBase64String(signed.Signature);
        signature[10] ^= 0x01;

        Assert.That(ListSigning.TryOpen(signed with { Signature = Convert.ToBase64String(signature) }, key, out var package, out var problem), Is.False);
        Assert.That(package, Is.Null);
        Assert.That(problem, Does.Contain("signature"));
    }

    [TestCase(ListKind.Entitlements, "for the entitlements list, not deny")]
    [TestCase((ListKind)7, "unknown list (7)")]
    public void A_package_of_another_or_an_unknown_list_kind_is_refused(ListKind kind, string expected)
    {
        Assert.That(PackageChecks.Problem(Deny() with { List = kind }, ListKind.Deny, 1, Now), Does.Contain(expected));
    }

    [Test]
    public void A_package_with_a_null_entry_is_refused()
    {
        var entry = new DenyEntry { Token = Backoffice.Tests.Support.TestTaps.Token(1), Reason = DenyReason.Lost, AddedAt = Now };

        Assert.That(PackageChecks.Problem(Deny(entry, null), ListKind.Deny, 1, Now), Does.Contain("null"));
        Assert.That(PackageChecks.Problem(Deny(entry), ListKind.Deny, 1, Now), Is.Null, "the same package without the null passes");
    }

    [Test]
    public void A_receipt_with_null_lists_or_entries_settles_only_the_taps_it_names()
    {
        var batch = Backoffice.Tests.Support.TestTaps.Taps("bus-a", 3);
        var receipt = JsonSerializer.Deserialize($"{{\"stored\":[\"{batch[0].Id}\"],\"rejected\":[null]}}", SyncJsonContext.Default.TapBatchReceipt)!;
        var noLists = JsonSerializer.Deserialize("{\"stored\":[],\"rejected\":null}", SyncJsonContext.Default.TapBatchReceipt)!;

        var settled = Uploader.Settle(batch, receipt);
        var none = Uploader.Settle(batch, noLists);

        Assert.That((settled.Through, settled.Confirmed, settled.Rejected.Count, settled.Complete), Is.EqualTo((batch[0].Sequence, 1, 0, false)));
        Assert.That((none.Through, none.Confirmed, none.Complete), Is.EqualTo((0L, 0, false)));
    }
}
