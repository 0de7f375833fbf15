using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Validator.Core.Cards;
using Validator.Pcsc;

namespace Validator.Daemon.Cli;

/// <summary>
/// <c>validator inspect</c>: waits for cards on the machine's pcscd and reads each exactly as a tap would, printing what
/// was read (never the PAN). For technicians checking a reader or a customer's card.
/// </summary>
internal static class InspectCommand
{
    public const string Usage = """
        validator inspect [--reader NAME] [--json] [--count N] [--timeout SECONDS]
          Reads each card put on a reader and prints what the validator sees.
          --reader NAME   only this reader (default: any)
          --json          one JSON object per card per line
          --count N       exit after N cards (default: run until Ctrl+C)
          --timeout S     exit with code 2 when no card came within S seconds
        """;

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr, ILoggerFactory logging, CancellationToken stop)
    {
        var readerFilter = args.Text("reader");
        var json = args.Flag("json");
        var count = args.Number("count", 1, int.MaxValue);
        var timeout = args.Number("timeout", 1, 86_400);
        args.RejectUnknown();

        var configuration = ValidatorConfiguration.Load();
        var key = TokenKeySource.Load(configuration);
        if (key is null)
        {
            stderr.WriteLine("note: no card-token key configured (Cards:TokenKeyFile or Cards:TokenKey); tokens are from a one-off key and match no list");
            key = TokenKeySource.Ephemeral();
        }
        var reader = new CardReader(new CardReaderOptions { TokenKey = key });

        using var arrivals = new BlockingCollection<CardEventArgs>();
        using var monitor = new ReaderMonitor(logging.CreateLogger<ReaderMonitor>());
        using var connector = new PcscCardConnector();
        monitor.CardInserted += (_, e) =>
        {
            if (readerFilter is null || e.ReaderName == readerFilter) arrivals.Add(e, CancellationToken.None);
        };
        monitor.Start();
        stderr.WriteLine(readerFilter is null ? "waiting for a card on any reader…" : $"waiting for a card on '{readerFilter}'…");

        var deadline = timeout is null ? (DateTime?)null : DateTime.UtcNow.AddSeconds(timeout.Value);
        var seen = 0;
        while (count is null || seen < count)
        {
            var wait = deadline is null ? Timeout.InfiniteTimeSpan : deadline.Value - DateTime.UtcNow;
            if (wait != Timeout.InfiniteTimeSpan && wait < TimeSpan.Zero) wait = TimeSpan.Zero;
            CardEventArgs? arrival;
            try
            {
                if (!arrivals.TryTake(out arrival, wait == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Ceiling(wait.TotalMilliseconds), stop)) arrival = null;
            }
            catch (OperationCanceledException)
            {
                return seen > 0 ? 0 : 130;
            }
            if (arrival is null)
            {
                stderr.WriteLine($"no card within {timeout} s" + (monitor.ServiceAvailable ? $" ({monitor.Readers.Count} reader(s) present)" : " (pcscd is not reachable)"));
                return 2;
            }

            var report = ReadOne(arrival, connector, reader);
            stdout.WriteLine(json ? JsonSerializer.Serialize(report, CliJsonContext.Default.InspectReport) : report.ToText());
            stdout.Flush();
            seen++;
        }
        return 0;
    }

    private static InspectReport ReadOne(CardEventArgs arrival, PcscCardConnector connector, CardReader reader)
    {
        var clock = Stopwatch.StartNew();
        if (arrival.IsMute)
        {
            return InspectReport.From(CardReadFailures.FromConnectFault(CardFault.MalformedResponse, "card is mute (no ATR)"), arrival.ReaderName, arrival.Atr, clock.Elapsed);
        }
        if (!connector.TryConnect(arrival.ReaderName, arrival.Atr, out var card, out var fault, out var detail))
        {
            return InspectReport.From(CardReadFailures.FromConnectFault(fault, detail), arrival.ReaderName, arrival.Atr, clock.Elapsed);
        }
        using (card)
        {
            var result = reader.Read(new IsoCardChannel(card!));
            return InspectReport.From(result, arrival.ReaderName, arrival.Atr, clock.Elapsed);
        }
    }
}
