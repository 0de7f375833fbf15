using System.Security.Cryptography;
using System.Text;
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

    private static DenyEntry Entry(int card) => new() { Token = Backoffice.Tests.Support.TestTaps.Token(card), Reason = DenyReason.Lost, AddedAt = Now };

    /// <summary>The scan of <paramref name="json"/> written to a file, as the device scans a download.</summary>
    private static PackageScan Scan(string json)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, json, new UTF8Encoding(false));
            return PackageFile.Scan(file, null);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Json(ListPackage package) => JsonSerializer.Serialize(package, SyncJsonContext.Default.ListPackage);

    [TestCase(null)]
    [TestCase("")]
    public void An_answer_without_a_signature_header_is_refused_without_throwing(string? signature)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = Encoding.UTF8.GetBytes(Json(Deny(Entry(1))));

        Assert.That(ListSigning.TryVerifyHash(SHA256.HashData(body), signature, null, key, out var problem), Is.False);
        Assert.That(problem, Does.Contain("no signature"));
    }

    [Test]
    public void One_changed_byte_in_the_signature_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = Encoding.UTF8.GetBytes(Json(Deny(Entry(1))));
        var signature = Convert.FromBase64String(ListSigning.Sign(body, key));
        signature[10] ^= 0x01;

        Assert.That(ListSigning.TryVerifyHash(SHA256.HashData(body), Convert.ToBase64String(signature), null, key, out var problem), Is.False);
        Assert.That(problem, Does.Contain("signature"));
    }

    [Test]
    public void A_package_of_another_list_is_refused()
    {
        var scan = Scan(Json(Deny(Entry(1)) with { List = ListKind.Entitlements }));

        Assert.That(PackageChecks.Problem(scan, ListKind.Deny, 1, Now), Does.Contain("for the entitlements list, not deny"));
    }

    [TestCase("\"list\":\"deny\"", "\"list\":7")]
    [TestCase("\"list\":\"deny\"", "\"list\":\"tickets\"")]
    [TestCase("\"format\":\"snapshot\"", "\"format\":9")]
    [TestCase("\"format\":\"snapshot\"", "\"format\":\"diff\"")]
    public void A_package_naming_an_unknown_list_or_format_is_malformed(string genuine, string damaged)
    {
        var json = Json(Deny(Entry(1)));
        Assert.That(json, Does.Contain(genuine));

        Assert.Throws<JsonException>(() => Scan(json.Replace(genuine, damaged, StringComparison.Ordinal)));
    }

    [TestCase("\"entryCount\":1", "\"entryCount\":4294967297")]
    [TestCase("\"version\":2", "\"version\":1e400")]
    public void A_header_number_out_of_range_is_malformed(string genuine, string damaged)
    {
        var json = Json(Deny(Entry(1)));
        Assert.That(json, Does.Contain(genuine));

        Assert.Throws<JsonException>(() => Scan(json.Replace(genuine, damaged, StringComparison.Ordinal)));
    }

    [TestCase(7, 0, "unknown list (7)")]
    [TestCase(0, 9, "unknown format (9)")]
    public void A_scanned_header_outside_the_known_lists_and_formats_is_refused(int list, int format, string expected)
    {
        var scan = Scan(Json(Deny(Entry(1))));
        if (list != 0) scan.List = (ListKind)list;
        if (format != 0) scan.Format = (ListPackageFormat)format;

        Assert.That(PackageChecks.Problem(scan, ListKind.Deny, 1, Now), Does.Contain(expected));
    }

    [Test]
    public void A_deny_snapshot_with_a_null_entry_is_malformed()
    {
        var json = Json(Deny(Entry(1), Entry(2)));
        Assert.That(Scan(json).DenyEntries, Is.EqualTo(2), "the same package without the null scans");

        Assert.Throws<JsonException>(() => Scan(json.Replace("\"denyEntries\":[", "\"denyEntries\":[null,", StringComparison.Ordinal)));
    }

    [Test]
    public void A_delta_with_a_null_entry_is_refused()
    {
        var delta = Deny() with { Format = ListPackageFormat.Delta, DenyEntries = null, DenyAdded = [Entry(1)], DenyRemoved = [], FromVersion = 1, EntryCount = 1 };
        var header = Scan(Json(delta)).Header;

        Assert.That(PackageChecks.ContentProblem(delta with { DenyAdded = [Entry(1), null!] }, header), Does.Contain("null"));
        Assert.That(PackageChecks.ContentProblem(delta, header), Is.Null, "the same package without the null passes");
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
