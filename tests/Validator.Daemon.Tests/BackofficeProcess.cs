using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Validator.Core.Sync;
using Validator.Core.Taps;

namespace Validator.Daemon.Tests;

/// <summary>The reference back office as a process of its own on loopback, with one device and the admin API.</summary>
internal sealed partial class BackofficeProcess : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new CardTokenJsonConverter() } };
    private const string AdminToken = "admin-token-for-the-process-tests";

    private BackofficeProcess(ValidatorProcess process, string url)
    {
        Process = process;
        Url = url;
        Admin = new HttpClient { BaseAddress = new Uri(url), Timeout = Patience };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
    }

    public ValidatorProcess Process { get; }

    public string Url { get; }

    public HttpClient Admin { get; }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    /// <summary>Starts the back office with its database and signing key in <paramref name="directory"/>, knowing one device.</summary>
    public static BackofficeProcess Start(string directory, string deviceId, string deviceSecret)
    {
        var dll = typeof(BackofficeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BackofficePath").Value!;
        var process = ValidatorProcess.StartAssembly(dll,
        [
            "--urls", "http://127.0.0.1:0",
            $"--Backoffice:AdminToken={AdminToken}",
            $"--Backoffice:Devices:0:Id={deviceId}",
            $"--Backoffice:Devices:0:Secret={deviceSecret}",
            $"--Backoffice:DatabasePath={Path.Combine(directory, "backoffice.db")}",
            $"--Backoffice:SigningKeyPath={Path.Combine(directory, "signing.pem")}",
        ]);
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var match = Listening().Match(process.NextLine(deadline - DateTime.UtcNow));
            if (match.Success) return new BackofficeProcess(process, match.Groups[1].Value);
        }
    }

    /// <summary>The public key devices check list signatures with, as PEM.</summary>
    public string SigningKeyPem()
    {
        var answer = Admin.GetStringAsync("/v1/admin/signing-key").GetAwaiter().GetResult();
        var start = answer.IndexOf("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal);
        const string End = "-----END PUBLIC KEY-----";
        var end = answer.IndexOf(End, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"no PEM in the signing-key answer: {answer}");
        return answer[start..(end + End.Length)].Replace("\\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>Sends an admin request with a JSON body; fails the test unless it succeeds.</summary>
    public void Send<T>(HttpMethod method, string path, T body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json") };
        using var response = Admin.Send(request);
        Assert.That((int)response.StatusCode, Is.InRange(200, 299), $"{method} {path}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
    }

    /// <summary>Every tap of <paramref name="deviceId"/> the back office holds, in sequence order.</summary>
    public List<TapRecord> Taps(string deviceId)
    {
        var all = new List<TapRecord>();
        while (true)
        {
            var after = all.Count == 0 ? 0 : all[^1].Sequence;
            var page = Admin.GetFromJsonAsync<List<TapRecord>>($"/v1/admin/taps?deviceId={deviceId}&afterSequence={after}&limit=10000", Json).GetAwaiter().GetResult()!;
            all.AddRange(page);
            if (page.Count < 10_000) return all;
        }
    }

    /// <summary>The taps once <paramref name="done"/> holds for them; fails the test with what is there after the patience.</summary>
    public List<TapRecord> WaitForTaps(string deviceId, Func<List<TapRecord>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var taps = Taps(deviceId);
            if (done(taps)) return taps;
            if (DateTime.UtcNow > deadline) Assert.Fail($"the back office holds {taps.Count} taps, not {what}");
            Thread.Sleep(100); // polling another process's HTTP API: there is no event to wait on
        }
    }

    public void Dispose()
    {
        Admin.Dispose();
        Process.Dispose();
    }
}
