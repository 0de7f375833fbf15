using System.Globalization;
using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Feedback;
using Validator.Core.Lists;
using Validator.Core.Taps;
using Validator.Daemon.Demo;
using Validator.Gpio;
using Validator.Gpio.Options;
using Validator.Simulation.Gpio;
using Validator.Storage.Journal;

namespace Validator.Daemon.Cli;

/// <summary>
/// <c>validator demo</c>: a school morning on virtual cards through the whole tap path: card read (through pcscd +
/// vpcd when the machine has them), fare decision on seeded lists, durable journal, LEDs and buzzer on a simulated
/// GPIO drawn in the terminal.
/// </summary>
internal static class DemoCommand
{
    public const string Usage = """
        validator demo [--fast] [--students N] [--in-process] [--no-color]
          Plays a school morning on line 110 with virtual cards and shows each decision and the LEDs.
          --fast          no pauses between taps (for CI)
          --students N    how many students board (default 12; 10 or more shows every kind of card)
          --in-process    do not use pcscd even when it is installed
          --no-color      plain text
        """;

    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(900);
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var fast = args.Flag("fast");
        var students = args.Number("students", 1, 500) ?? 12;
        var inProcess = args.Flag("in-process");
        var color = !args.Flag("no-color") && !Console.IsOutputRedirected;
        args.RejectUnknown();

        // Tuesday of the first week of December, 07:10 at Bernburg: the bus fills up for school.
        var clock = new DemoClock(new DateTimeOffset(2026, 12, 1, 7, 10, 0, Berlin.GetUtcOffset(new DateTime(2026, 12, 1))));
        var key = TokenKeySource.Ephemeral(); // the demo's own key: tokens are stable within the run, which is all it needs
        var tokenizer = new CardTokenizer(key);
        var listsUpdated = clock.GetUtcNow().AddHours(-9);
        var morning = SchoolMorning.Build(students, seed: 20261128, tokenizer, listsUpdated);
        var lists = new LiveLists(new ListSnapshot(
            DenyList.Build(morning.Denied), new ListStamp(41, listsUpdated),
            EntitlementIndex.Build(morning.Passes), new ListStamp(17, listsUpdated),
            SchoolMorning.Policy, new ListStamp(3, listsUpdated)));
        var fares = new FareService(lists, new ClockTrustMonitor(clock, new AlwaysSynchronized(), new InMemoryLastTrustedTime()), new RepeatTapTracker());

        var dataDirectory = Directory.CreateTempSubdirectory("validator-demo-");
        var driver = new SimulatedGpioDriver();
        var pwm = new SimulatedPwmChannel();
        var options = new FeedbackOptions { Driver = GpioDriverKind.LibGpiod };
        try
        {
            using var journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(dataDirectory.FullName, "journal") }, clock);
            using var feedback = GpioFeedback.Open(options, driver, pwm);
            var leds = new TerminalLedRenderer(driver, TerminalLedRenderer.TrafficLight(options.GreenPin, options.RedPin, options.AmberPin!.Value), buzzerPin: null, pwm: pwm);
            feedback.SetStatus(DeviceStatus.Ready);
            var processor = new TapProcessor(new CardReader(new CardReaderOptions { TokenKey = key }, clock), fares, journal, feedback, "demo-bus-0110", new TapLocation(SchoolMorning.Line, "Bernburg ZOB"), clock);

            string? whyNot = "--in-process was given";
            using ITapStation station = !inProcess && VpcdTapStation.TryStart(out whyNot) is { } real ? real : new InProcessTapStation();
            stdout.WriteLine("Validator demo: a school morning on line 110, Bernburg ZOB, 1 December 2026");
            stdout.WriteLine($"  taps go through {station.Description}");
            if (station is InProcessTapStation) stdout.WriteLine($"  (pcscd not used: {whyNot})");
            stdout.WriteLine($"  lists: {morning.Passes.Count} student passes, {morning.Denied.Count} deny entries; journal in {journal.Directory}");
            stdout.WriteLine();
            stdout.WriteLine($"  {"time",-5}  {"who",-26} {"LEDs",-12} {"decision",-26} {"card",-18} {"apdus",5} {"ms",7} {"seq",4}");

            var totals = new List<double>();
            var decisions = new Dictionary<string, int>(StringComparer.Ordinal);
            var surprises = new List<string>();
            foreach (var step in morning.Steps)
            {
                if (stop.IsCancellationRequested) break;
                clock.Advance(TimeSpan.FromSeconds(11));
                StationTap tap;
                try
                {
                    tap = station.Tap(step.Card, processor);
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or TimeoutException)
                {
                    stderr.WriteLine($"demo: the PC/SC stack stopped answering ({ex.Message}); is another program restarting pcscd? 'validator demo --in-process' needs no pcscd");
                    return 1;
                }
                var result = tap.Result;
                var lit = leds.Render(color);
                decisions[result.Decision.Reason] = decisions.GetValueOrDefault(result.Decision.Reason) + 1;
                totals.Add(tap.TapToFeedback.TotalMilliseconds);
                if (result.Decision.Reason != step.ExpectedReason) surprises.Add($"{step.Who}: {result.Decision.Reason}, expected {step.ExpectedReason}");
                var id = result.Read.Identity;
                var card = id is null ? "-" : id.Last4 is null ? $"{id.Brand}" : $"{id.Brand} …{id.Last4}";
                if (card.Length > 18) card = card[..18];
                var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Berlin);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {local:HH:mm}  {step.Who,-26} {lit}{new string(' ', Math.Max(0, 12 - Visible(lit)))} {result.Decision.Reason,-26} {card,-18} {result.Read.ApduCount,5} {tap.TapToFeedback.TotalMilliseconds,7:F2} {result.Record?.Sequence,4}"));
                if (!fast) stop.WaitHandle.WaitOne(Pace); // a pace people can follow, not a wait for anything
            }
            feedback.Stop();

            totals.Sort();
            stdout.WriteLine();
            stdout.WriteLine($"  {totals.Count} taps, {journal.LastSequence} in the journal: " + string.Join(", ", decisions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Value} {d.Key}")));
            if (totals.Count > 0)
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  card present to first feedback: median {totals[totals.Count / 2]:F2} ms, p95 {totals[(int)Math.Min(totals.Count - 1, Math.Ceiling(totals.Count * 0.95) - 1)]:F2} ms, max {totals[^1]:F2} ms"));
            }
            foreach (var surprise in surprises) stderr.WriteLine($"demo: unexpected decision: {surprise}");
            return surprises.Count == 0 ? 0 : 1;
        }
        finally
        {
            dataDirectory.Delete(recursive: true);
        }
    }

    /// <summary>Visible width of a rendered line (ANSI colour codes take no room).</summary>
    private static int Visible(string text)
    {
        var width = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\u001b')
            {
                while (i < text.Length && text[i] != 'm') i++;
                continue;
            }
            width++;
        }
        return width;
    }
}
