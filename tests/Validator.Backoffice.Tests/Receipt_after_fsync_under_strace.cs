using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Validator.Backoffice.Tests.Support;
using Validator.Core.Sync;

namespace Validator.Backoffice.Tests;

/// <summary>
/// LiteDB does not fsync its commits (issue #2818), and a receipt lets the device delete its only copy of a tap,
/// so the back office fsyncs after each write. Stopping a process cannot show that (the page cache survives it);
/// the system calls can: the real back office executable runs under strace, and every database file written while
/// a batch was handled must be fsynced after its last write and before the 200 goes out.
/// </summary>
public sealed partial class Receipt_after_fsync_under_strace
{
    [Test]
    [Platform("Linux")]
    public async Task Every_database_file_written_for_a_batch_is_fsynced_before_the_receipt_is_sent()
    {
        var directory = Path.Combine(Path.GetTempPath(), "bo-strace-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var trace = Path.Combine(directory, "strace.txt");
        var port = FreePort();
        var start = new ProcessStartInfo("strace")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     "-f", "-qq", "-s", "48", "-o", trace,
                     "-e", "trace=openat,pwrite64,pwritev,write,writev,fsync,fdatasync,sendmsg,sendto,recvmsg,recvfrom,read",
                     "dotnet", Path.Combine(AppContext.BaseDirectory, "Validator.Backoffice.dll"),
                     "--urls", $"http://127.0.0.1:{port}",
                     $"--Backoffice:DatabasePath={Path.Combine(directory, "backoffice.db")}",
                     $"--Backoffice:SigningKeyPath={Path.Combine(directory, "key.pem")}",
                     $"--Backoffice:AdminToken={TestBackoffice.AdminToken}",
                     $"--Backoffice:Devices:0:Id={TestBackoffice.DeviceA}",
                     $"--Backoffice:Devices:0:Secret={TestBackoffice.SecretA}",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("strace is not installed");
            return;
        }

        try
        {
            var listening = new TaskCompletionSource();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data?.Contains("Back office listening", StringComparison.Ordinal) == true) listening.TrySetResult();
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

            using var device = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            device.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestBackoffice.SecretA);
            device.DefaultRequestHeaders.Add(SyncHeaders.DeviceId, TestBackoffice.DeviceA);
            using var response = await device.PostAsJsonAsync($"/v1/devices/{TestBackoffice.DeviceA}/taps",
                new TapBatch { Taps = TestTaps.Taps(TestBackoffice.DeviceA, 5) }, SyncJsonContext.Default.TapBatch);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        var written = CheckOrder(JoinInterrupted(File.ReadAllLines(trace)));
        Assert.That(written, Does.Contain("backoffice-log.db").Or.Contain("backoffice.db"), "the batch was written to the database");
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The database files written between the request and the receipt; fails if one was not fsynced after its last write.</summary>
    private static List<string> CheckOrder(List<string> lines)
    {
        var paths = new Dictionary<string, string>();
        var lastWrite = new Dictionary<string, int>();
        var lastSync = new Dictionary<string, int>();
        var request = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (Open().Match(line) is { Success: true } open)
            {
                paths[open.Groups["fd"].Value] = open.Groups["path"].Value;
                continue;
            }
            if (request < 0)
            {
                if (line.Contains("POST /v1/devices/", StringComparison.Ordinal)) request = i;
                continue;
            }
            if (line.Contains("HTTP/1.1 200", StringComparison.Ordinal))
            {
                foreach (var (path, written) in lastWrite)
                {
                    Assert.That(lastSync.GetValueOrDefault(path, -1), Is.GreaterThan(written), $"{path} was written at trace line {written + 1} and not fsynced before the receipt (line {i + 1})");
                }
                return lastWrite.Keys.Select(Path.GetFileName).ToList()!;
            }
            if (Write().Match(line) is { Success: true } write && paths.TryGetValue(write.Groups["fd"].Value, out var written1) && written1.EndsWith(".db", StringComparison.Ordinal))
                lastWrite[written1] = i;
            else if (Sync().Match(line) is { Success: true } sync && paths.TryGetValue(sync.Groups["fd"].Value, out var synced) && synced.EndsWith(".db", StringComparison.Ordinal))
                lastSync[synced] = i;
        }
        Assert.Fail(request < 0 ? "the request is not in the trace" : "the receipt is not in the trace");
        return [];
    }

    /// <summary>strace splits a call another thread interrupted into "call(… &lt;unfinished ...&gt;" and "&lt;... call resumed&gt;) = result"; this joins them.</summary>
    private static List<string> JoinInterrupted(string[] lines)
    {
        const string Unfinished = " <unfinished ...>";
        var open = new Dictionary<string, string>();
        var joined = new List<string>(lines.Length);
        foreach (var line in lines)
        {
            var pid = line.Split(' ', 2)[0];
            if (line.EndsWith(Unfinished, StringComparison.Ordinal)) open[pid] = line[..^Unfinished.Length];
            else if (Resumed().Match(line) is { Success: true } resumed && open.Remove(pid, out var start)) joined.Add(start + resumed.Groups["rest"].Value);
            else joined.Add(line);
        }
        return joined;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("""<\.\.\. \w+ resumed>(?<rest>.*)$""")]
    private static partial Regex Resumed();

    [GeneratedRegex("""openat\(AT_FDCWD, "(?<path>[^"]+)", [^)]*\)\s+= (?<fd>\d+)""")]
    private static partial Regex Open();

    [GeneratedRegex("""\s(pwrite64|pwritev|write|writev)\((?<fd>\d+), """)]
    private static partial Regex Write();

    [GeneratedRegex("""\s(fsync|fdatasync)\((?<fd>\d+)\)\s+= 0""")]
    private static partial Regex Sync();
}
