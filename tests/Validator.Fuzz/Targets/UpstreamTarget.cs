using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Validator.Core.Cards;
using Validator.Core.Lists;
using Validator.Core.Sync;
using Validator.Core.Taps;
using Validator.Storage.Lists;
using Validator.Sync;
using Validator.Sync.Lists;
using Validator.Sync.Upload;
using Validator.Sync.Upstream;

namespace Validator.Fuzz.Targets;

/// <summary>
/// The device's side: its upstream client, uploader settlement and list updater read damaged answers from a back
/// office over real HTTP on loopback (receipts, heartbeat replies, list package bodies or their signature header
/// damaged on the way, or garbage content signed with the trusted key). Oracle: no exception; a damaged answer is
/// refused with a problem text; a receipt never settles a tap it does not name; a list is applied only from an intact
/// signed package, and a refused one changes nothing in service.
/// </summary>
internal sealed class UpstreamTarget : FuzzTarget
{
    private const string Device = "bus-a";
    private readonly Outcomes _outcomes = new();
    private readonly List<byte[]> _seeds = [];
    private readonly Dictionary<string, Answered> _answers = new(StringComparer.Ordinal);
    private string _directory = "";
    private HttpListener _listener = null!;
    private Thread _server = null!;
    private ECDsa _key = null!;
    private SyncOptions _options = null!;
    private UpstreamClient _client = null!;
    private StoredLists _lists = null!;
    private ListUpdater _updater = null!;
    private int _stores;
    private byte[] _receipt = [];
    private byte[] _heartbeat = [];
    private readonly List<(ListKind Kind, byte[] Body, string Signature)> _packages = [];
    private List<TapRecord> _batch = [];

    public override string Name => "upstream";

    public override TimeSpan InputTimeLimit => TimeSpan.FromSeconds(20);

    public override void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("fuzz-upstream-").FullName;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var port = FreePort();
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _server = new Thread(Serve) { IsBackground = true, Name = "fuzz-upstream-server" };
        _server.Start();
        _options = new SyncOptions
        {
            UpstreamUrl = $"http://127.0.0.1:{port}/",
            DeviceId = Device,
            DeviceSecret = "secret-of-bus-a-0123456789",
            ListSigningKeyPem = _key.ExportSubjectPublicKeyInfoPem(),
            StateDirectory = Path.Combine(_directory, "sync"),
            MaxRetries = 0,
            AttemptTimeout = TimeSpan.FromSeconds(10),
            BreakerMinimumThroughput = 1_000_000,
            MassChangeMaxShare = 1,
        };
        _client = new UpstreamClient(_options);
        NewStore();

        var token = new CardToken(0xACE0_0000_0000_0001UL, 0xABCD_0000_0000_0001UL);
        _batch = Enumerable.Range(1, 4).Select(i => new TapRecord
        {
            Id = Guid.CreateVersion7(),
            DeviceId = Device,
            Sequence = i,
            Time = DateTimeOffset.UtcNow,
            ClockTrusted = true,
            CardToken = token,
            Last4 = "4242",
            Brand = "Mastercard",
            Decision = "accepted",
            Reason = "entitlement",
        }).ToList();
        _receipt = JsonSerializer.SerializeToUtf8Bytes(new TapBatchReceipt { Stored = _batch.Take(3).Select(t => t.Id).ToList(), Rejected = [new RejectedTap(_batch[3].Id, "more than four card digits")] }, SyncJsonContext.Default.TapBatchReceipt);
        _heartbeat = JsonSerializer.SerializeToUtf8Bytes(new HeartbeatReply { ServerTime = DateTimeOffset.UtcNow, Lists = new ListVersions(1, 2, 3) }, SyncJsonContext.Default.HeartbeatReply);
        _seeds.AddRange([_receipt, _heartbeat]);

        var now = DateTimeOffset.UtcNow;
        var deny = new DenyEntry { Token = token, Reason = DenyReason.Stolen, AddedAt = now.AddDays(-1), Expiry = "2812", Psn = 1 };
        var pass = new Entitlement { Id = "pass-1", Token = token, Product = "student-pass", ValidFrom = new DateOnly(2026, 9, 1), ValidTo = new DateOnly(2027, 7, 31) };
        ListPackage Package(ListKind kind, ListPackageFormat format, int count) => new()
        {
            List = kind,
            Format = format,
            Version = 5,
            FromVersion = format == ListPackageFormat.Delta ? 0 : 0,
            CreatedAt = now,
            ExpiresAt = now.AddDays(7),
            EntryCount = count,
        };
        AddPackage(Package(ListKind.Deny, ListPackageFormat.Snapshot, 2) with { DenyEntries = [deny, deny with { Token = new CardToken(1, 2) }] });
        AddPackage(Package(ListKind.Deny, ListPackageFormat.Delta, 2) with { DenyAdded = [deny], DenyRemoved = [new DenyKey(new CardToken(3, 4))] });
        AddPackage(Package(ListKind.Entitlements, ListPackageFormat.Snapshot, 1) with { Entitlements = [pass] });
        AddPackage(Package(ListKind.Entitlements, ListPackageFormat.Delta, 2) with { EntitlementsAdded = [pass], EntitlementsRemoved = ["pass-9"] });
        AddPackage(Package(ListKind.Policy, ListPackageFormat.Snapshot, 1) with { Policy = new FarePolicy { Products = [new Product("student-pass", "Schülerticket")] } });
    }

    private void AddPackage(ListPackage package)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(package, SyncJsonContext.Default.ListPackage);
        _packages.Add((package.List, body, ListSigning.Sign(body, _key)));
        _seeds.Add(body);
    }

    private void NewStore()
    {
        _updater?.Dispose();
        _lists?.Dispose();
        _lists = StoredLists.Open(Path.Combine(_directory, $"lists-{_stores++}.db"), TimeProvider.System);
        _updater = new ListUpdater(_lists, _client, _options);
    }

    public override void Run(Random random, FuzzInput input)
    {
        lock (_answers) _answers.Clear();
        switch (random.Next(4))
        {
            case 0:
                RunReceipt(random, input);
                break;
            case 1:
                input.Steps.Add("heartbeat reply");
                Answer("heartbeat", Mutator.MutateJson(_heartbeat, _seeds, random, input), input);
                var heartbeat = _client.SendHeartbeatAsync(new Heartbeat { DeviceTime = DateTimeOffset.UtcNow }).GetAwaiter().GetResult();
                Expect(heartbeat.Outcome, heartbeat.Value is not null, heartbeat.Problem, "heartbeat");
                break;
            default:
                RunList(random, input);
                break;
        }
    }

    private void RunReceipt(Random random, FuzzInput input)
    {
        input.Steps.Add("receipt");
        Answer("taps", Mutator.MutateJson(_receipt, _seeds, random, input), input);
        var result = _client.SendTapsAsync(_batch).GetAwaiter().GetResult();
        Expect(result.Outcome, result.Value is not null, result.Problem, "receipt");
        if (result.Outcome != UpstreamOutcome.Ok) return;
        var receipt = result.Value!;
        var (through, confirmed, rejected, _) = Uploader.Settle(_batch, receipt);
        // Every tap up to the settled sequence is named in the receipt as stored or refused.
        var named = (receipt.Stored ?? []).Concat((receipt.Rejected ?? []).Where(r => r is not null).Select(r => r.Id)).ToHashSet();
        foreach (var tap in _batch.Where(t => t.Sequence <= through))
        {
            if (!named.Contains(tap.Id)) throw new OracleFailure($"the receipt settles tap {tap.Sequence} it does not name");
        }
        if (confirmed + rejected.Count > _batch.Count) throw new OracleFailure("more taps settled than sent");
    }

    private void RunList(Random random, FuzzInput input)
    {
        var (kind, body, signature) = _packages[random.Next(_packages.Count)];
        var before = _lists.Live.Current;
        var served = body;
        var servedSignature = signature;
        var mode = random.Next(4);
        switch (mode)
        {
            case 0:
                // A back office that signs garbage (a bug or a stolen key): the content checks must hold.
                input.Steps.Add($"{kind.ToSegment()} body damaged and signed");
                served = Mutator.MutateJson(body, _seeds, random, input);
                servedSignature = ListSigning.Sign(served, _key);
                break;
            case 1:
                input.Steps.Add($"{kind.ToSegment()} body damaged on the way");
                served = Mutator.MutateJson(body, _seeds, random, input);
                break;
            case 2:
                input.Steps.Add($"{kind.ToSegment()} signature header damaged on the way");
                servedSignature = DamageSignature(signature, random, input);
                break;
            default:
                var cut = random.Next(body.Length);
                input.Steps.Add($"{kind.ToSegment()} body cut after {cut} bytes");
                served = body[..cut];
                break;
        }
        input.Bytes = served;
        lock (_answers) _answers["lists/" + kind.ToSegment()] = new Answered(served, servedSignature, ListSigning.KeyId(_key));
        var reports = _updater.UpdateAsync().GetAwaiter().GetResult();
        var report = reports.Single(r => r.List == kind);
        _outcomes.Add($"{kind.ToSegment()}:{report.Outcome}");
        if (report.Outcome != ListUpdateOutcome.Applied)
        {
            if (report.Outcome != ListUpdateOutcome.UpToDate && string.IsNullOrWhiteSpace(report.Problem)) throw new OracleFailure($"the {kind.ToSegment()} list was {report.Outcome} without a problem text");
            if (!ReferenceEquals(_lists.Live.Current, before)) throw new OracleFailure($"a {report.Outcome} {kind.ToSegment()} package changed the lists in service");
            return;
        }
        // Applied from a package changed on the way: only if the signed bytes and the signature's bytes came through
        // intact (base64 has spare bits in its last character: changing those leaves the signature as it was).
        if (mode != 0 && (!served.AsSpan().SequenceEqual(body) || !SameSignature(servedSignature, signature)))
            throw new OracleFailure("a package changed on the way was applied");
        // Applied: what is in service is what the store holds; then start again from an empty store.
        if (kind == ListKind.Deny && _lists.ReadDenyEntries().Count != _lists.Live.Current.DenyList.Count) throw new OracleFailure("the deny list in service differs from the stored one");
        NewStore();
    }

    private static bool SameSignature(string? served, string genuine)
    {
        var bytes = new byte[64];
        return served is not null && Convert.TryFromBase64String(served, bytes, out var length)
            && bytes.AsSpan(0, length).SequenceEqual(Convert.FromBase64String(genuine));
    }

    /// <summary>The base64 signature with one character changed, cut short, doubled, or gone (null: no header).</summary>
    private static string? DamageSignature(string signature, Random random, FuzzInput input)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        switch (random.Next(4))
        {
            case 0:
                var chars = signature.ToCharArray();
                var at = random.Next(chars.Length);
                chars[at] = Alphabet[random.Next(Alphabet.Length)];
                input.Steps.Add($"character {at} set to '{chars[at]}'");
                return new string(chars);
            case 1:
                input.Steps.Add("cut short");
                return signature[..random.Next(signature.Length)];
            case 2:
                input.Steps.Add("doubled");
                return signature + signature;
            default:
                input.Steps.Add("no signature header");
                return null;
        }
    }

    private void Expect(UpstreamOutcome outcome, bool hasValue, string? problem, string what)
    {
        _outcomes.Add($"{what}:{outcome}");
        if (outcome == UpstreamOutcome.Ok && !hasValue) throw new OracleFailure($"{what}: Ok without a value");
        if (outcome != UpstreamOutcome.Ok && string.IsNullOrWhiteSpace(problem)) throw new OracleFailure($"{what}: {outcome} without a problem text");
    }

    private byte[] Answer(string route, byte[] body, FuzzInput input)
    {
        input.Bytes = body;
        lock (_answers) _answers[route] = new Answered(body, null, null);
        return body;
    }

    /// <summary>An answer body, with the list signature headers when set.</summary>
    private sealed record Answered(byte[] Body, string? Signature, string? KeyId);

    private void Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            Answered? answered = null;
            lock (_answers)
            {
                foreach (var (route, answer) in _answers)
                {
                    if (path.EndsWith("/" + route, StringComparison.Ordinal)) answered = answer;
                }
            }
            using var response = context.Response;
            if (answered is null)
            {
                response.StatusCode = 204;
                continue;
            }
            var body = answered.Body;
            response.StatusCode = 200;
            if (answered.Signature is not null) response.Headers[SyncHeaders.ListSignature] = answered.Signature;
            if (answered.KeyId is not null) response.Headers[SyncHeaders.ListKeyId] = answered.KeyId;
            response.ContentType = "application/json";
            response.ContentLength64 = body.Length;
            try
            {
                response.OutputStream.Write(body);
            }
            catch (HttpListenerException)
            {
                // The client went away.
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public override string Stats() => _outcomes.ToString();

    protected override void Cleanup()
    {
        _updater?.Dispose();
        _lists?.Dispose();
        _client?.Dispose();
        _listener?.Close();
        _key?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
