using System.Diagnostics;
using System.Globalization;
using Validator.Simulation.Vpcd;

namespace Validator.TapBench;

/// <summary>
/// The bench's virtual card, served from a process of its own, as a real card is not inside the validator either: its
/// work (building answers, the vpcd socket) then neither allocates on the validator's heap, which would bring the
/// validator's collections sooner, nor runs on threads that those collections stop. Driven over stdin/stdout, one
/// line per step: <c>insert</c> (or <c>insert record</c>: keep the commands the tap sends), <c>commands</c> (stop
/// recording, answer them in hex), <c>remove</c>. Each step is answered once it is done on the reader.
/// </summary>
internal sealed class CardHost : IDisposable
{
    public const string ChildArgument = "--card-host";

    private readonly Process _process;

    private CardHost(Process process) => _process = process;

    /// <summary>Starts a host for a card of <paramref name="profile"/> answering each APDU after <paramref name="apduDelay"/>.</summary>
    public static CardHost Start(string profile, TimeSpan apduDelay)
    {
        var start = SelfProcess.StartInfo(redirect: true, ChildArgument, profile, apduDelay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("the card host did not start");
        var host = new CardHost(process);
        try
        {
            host.Expect("ready");
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return host;
    }

    /// <summary>Puts the card on the reader; returns once vpcd has taken it.</summary>
    public void Insert(bool record) => Ask(record ? "insert record" : "insert", "inserted");

    /// <summary>Stops recording and returns the commands the card received since <see cref="Insert"/>.</summary>
    public IReadOnlyList<byte[]> Commands()
    {
        var line = Ask("commands", "commands");
        return line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Convert.FromHexString).ToList();
    }

    /// <summary>Takes the card off the reader; returns once its connection is closed.</summary>
    public void Remove() => Ask("remove", "removed");

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close(); // the host ends at the end of its input
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) _process.Kill();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    private string Ask(string step, string answer)
    {
        _process.StandardInput.WriteLine(step);
        _process.StandardInput.Flush();
        return Expect(answer);
    }

    private string Expect(string answer)
    {
        var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the card host exited");
        if (!line.StartsWith(answer, StringComparison.Ordinal)) throw new InvalidOperationException($"card host: {line}");
        return line;
    }

    /// <summary>The host's side: serves the steps read from stdin until it ends.</summary>
    public static int RunChild(string profile, double apduDelayMs)
    {
        BenchCards.Create(profile); // an unknown profile fails here, before "ready"
        var options = new VpcdOptions { ApduDelay = TimeSpan.FromMilliseconds(apduDelayMs) };
        RecordingCard? card = null;
        VpcdCard? vpcd = null;
        Console.WriteLine("ready");
        try
        {
            while (Console.ReadLine() is { } step)
            {
                try
                {
                    switch (step)
                    {
                        case "insert":
                        case "insert record":
                            card = new RecordingCard(BenchCards.Create(profile)) { Recording = step == "insert record" };
                            vpcd = new VpcdCard(card, options);
                            vpcd.Insert();
                            Console.WriteLine("inserted");
                            break;
                        case "commands":
                            if (card is null) throw new InvalidOperationException("no card on the reader");
                            card.Recording = false;
                            Console.WriteLine("commands " + string.Join(' ', card.Commands.Select(Convert.ToHexString)));
                            break;
                        case "remove":
                            vpcd?.Dispose();
                            vpcd = null;
                            card = null;
                            Console.WriteLine("removed");
                            break;
                        default:
                            throw new InvalidOperationException($"unknown step '{step}'");
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Console.WriteLine($"error in '{step}': {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
        finally
        {
            vpcd?.Dispose();
        }
        return 0;
    }
}
