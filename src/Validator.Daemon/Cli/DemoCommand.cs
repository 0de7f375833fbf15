using System.Globalization;
using Validator.Core.Cards;
using Validator.Core.Clock;
using Validator.Core.Fares;
using Validator.Core.Feedback;
using Validator.Core.Taps;
using Validator.Daemon.Demo;
using Validator.Gpio;
using Validator.Gpio.Options;
using Validator.Simulation.Clock;
using Validator.Simulation.Gpio;
using Validator.Storage.Journal;
using Validator.Sync.Upload;

namespace Validator.Daemon.Cli;

/// <summary>
/// <c>validator demo</c>: a school morning on virtual cards through the whole system: the reference back office in
/// process on loopback publishes signed lists, the device pulls them, every tap is read (through pcscd + vpcd when the
/// machine has them), decided, journaled, shown on LEDs drawn in the terminal and uploaded; the link drops and returns.
/// </summary>
internal static class DemoCommand
{
    public const string Usage = """
        validator demo [--fast] [--students N] [--in-process] [--no-color]
          Plays a school morning on line 110 with virtual cards and shows each decision, the LEDs and the link.
          --fast          no pauses between taps (for CI)
          --students N    how many students board (default 12; 10 or more shows every kind of card)
          --in-process    do not use pcscd even when it is installed
          --no-color      plain text
        """;

    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(900);

    public static int Run(Arguments args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var fast = args.Flag("fast");
        var students = args.Number("students", 1, 500) ?? 12;
        var inProcess = args.Flag("in-process");
        var color = !args.Flag("no-color") && !Console.IsOutputRedirected;
        args.RejectUnknown();

        var directory = Directory.CreateTempSubdirectory("validator-demo-");
        try
        {
            return RunAsync(students, fast, inProcess, color, directory.FullName, stdout, stderr, stop).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<int> RunAsync(int students, bool fast, bool inProcess, bool color, string directory, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        // The next school day, 07:10 in Bernburg: the bus fills up for school whenever the demo runs.
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var schoolDay = SchoolMorning.NextSchoolDay(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, berlin).DateTime));
        var morning7 = schoolDay.ToDateTime(new TimeOnly(7, 10));
        var clock = new DemoClock(new DateTimeOffset(morning7, berlin.GetUtcOffset(morning7)));
        var key = TokenKeySource.Ephemeral(); // the demo's own key: the back office's lists are made with the same one
        var morning = SchoolMorning.Build(students, seed: 20261128, new CardTokenizer(key), schoolDay, DateTimeOffset.UtcNow);

        using var journal = TapJournal.Open(new TapJournalOptions { Directory = Path.Combine(directory, "journal") }, clock);
        await using var upstream = await DemoUpstream.StartAsync(directory, journal, stop).ConfigureAwait(false);
        await upstream.SeedAsync(SchoolMorning.Policy, morning.Passes, morning.Denied, stop).ConfigureAwait(false);
        var updates = await upstream.Updater.UpdateAsync(stop).ConfigureAwait(false);
        var versions = upstream.Lists.Live.Current.Versions;

        var fares = new FareService(upstream.Lists.Live, new ClockTrustMonitor(clock, new AlwaysSynchronized(), new InMemoryLastTrustedTime()), new RepeatTapTracker());
        var driver = new SimulatedGpioDriver();
        var pwm = new SimulatedPwmChannel();
        var options = new FeedbackOptions();
        using var feedback = GpioFeedback.Open(options, driver, pwm);
        var leds = new TerminalLedRenderer(driver, TerminalLedRenderer.TrafficLight(options.GreenPin, options.RedPin, options.AmberPin!.Value), pwm: pwm);
        feedback.SetStatus(DeviceStatus.Ready);
        var processor = new TapProcessor(new CardReader(new CardReaderOptions { TokenKey = key }, clock), fares, journal, feedback,
            DemoUpstream.DeviceId, new TapLocation(SchoolMorning.Line, "Bernburg ZOB"), clock);

        string? whyNot = "--in-process was given";
        using ITapStation station = !inProcess && VpcdTapStation.TryStart(out whyNot) is { } real ? real : new InProcessTapStation();
        stdout.WriteLine($"Validator demo: a school morning on line 110, Bernburg ZOB, {schoolDay:dddd d MMMM yyyy}");
        stdout.WriteLine($"  taps go through {station.Description}");
        if (station is InProcessTapStation) stdout.WriteLine($"  (pcscd not used: {whyNot})");
        stdout.WriteLine($"  back office on {upstream.Url} published {morning.Passes.Count} student passes and {morning.Denied.Count} deny entries;");
        stdout.WriteLine($"  the device pulled {updates.Count} signed list(s): deny v{versions.DenyList}, entitlements v{versions.Entitlements}, policy v{versions.Policy}");
        stdout.WriteLine();
        stdout.WriteLine($"  {"time",-5}  {"who",-26} {"LEDs",-12} {"decision",-26} {"card",-18} {"apdus",5} {"ms",7} {"seq",4} {"link",-5} {"queue",5}");

        var totals = new List<double>();
        var decisions = new Dictionary<string, int>(StringComparer.Ordinal);
        var surprises = new List<string>();
        var cutAt = Math.Min(7, morning.Steps.Count - 1);
        var restoreAt = Math.Min(cutAt + 5, morning.Steps.Count - 1);
        for (var i = 0; i < morning.Steps.Count; i++)
        {
            var step = morning.Steps[i];
            stop.ThrowIfCancellationRequested();
            if (i == cutAt)
            {
                await upstream.CutLinkAsync(stop).ConfigureAwait(false);
                stdout.WriteLine("  -- the bus drives into a dead zone: no link to the back office; taps are kept on the device --");
            }
            if (i == restoreAt)
            {
                await upstream.RestoreLinkAsync(stop).ConfigureAwait(false);
                var caughtUp = await upstream.DrainQueueAsync(stop).ConfigureAwait(false);
                stdout.WriteLine($"  -- the link is back: the back office confirmed the {caughtUp} taps kept during the outage --");
            }

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
            var upload = await upstream.Uploader.DrainAsync(stop).ConfigureAwait(false);
            decisions[result.Decision.Reason] = decisions.GetValueOrDefault(result.Decision.Reason) + 1;
            totals.Add(tap.TapToFeedback.TotalMilliseconds);
            if (result.Decision.Reason != step.ExpectedReason) surprises.Add($"{step.Who}: {result.Decision.Reason}, expected {step.ExpectedReason}");
            if (upstream.LinkUp && upload.Outcome == UploadOutcome.Failed) surprises.Add($"{step.Who}: upload failed with the link up: {upload.Problem}");
            var id = result.Read.Identity;
            var card = id is null ? "-" : id.Last4 is null ? $"{id.Brand}" : $"{id.Brand} …{id.Last4}";
            if (card.Length > 18) card = card[..18];
            var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), berlin);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {local:HH:mm}  {step.Who,-26} {lit}{new string(' ', Math.Max(0, 12 - Visible(lit)))} {result.Decision.Reason,-26} {card,-18} {result.Read.ApduCount,5} {tap.TapToFeedback.TotalMilliseconds,7:F2} {result.Record?.Sequence,4} {(upstream.LinkUp ? "up" : "DOWN"),-5} {upstream.QueueDepth,5}"));
            if (!fast) stop.WaitHandle.WaitOne(Pace); // a pace people can follow, not a wait for anything
        }
        feedback.Stop();

        await upstream.DrainQueueAsync(stop).ConfigureAwait(false);
        var stored = await upstream.StoredTapsAsync(stop).ConfigureAwait(false);

        totals.Sort();
        stdout.WriteLine();
        stdout.WriteLine($"  {totals.Count} taps, {journal.LastSequence} in the journal, {stored} at the back office, {upstream.QueueDepth} waiting: "
            + string.Join(", ", decisions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Value} {d.Key}")));
        if (totals.Count > 0)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  card present to first feedback: median {totals[totals.Count / 2]:F2} ms, p95 {totals[(int)Math.Min(totals.Count - 1, Math.Ceiling(totals.Count * 0.95) - 1)]:F2} ms, max {totals[^1]:F2} ms"));
        }
        if (stored != journal.LastSequence) surprises.Add($"the back office holds {stored} taps, the journal {journal.LastSequence}");
        foreach (var surprise in surprises) stderr.WriteLine($"demo: unexpected: {surprise}");
        return surprises.Count == 0 ? 0 : 1;
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
