using Validator.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Validator.Pcsc.Tests;

/// <summary>
/// Hot-plugging needs a USB reader; pcscd's serial vpcd reader is fixed at start. These tests drive the monitor
/// against an in-memory PC/SC service with pcsc-lite's semantics instead.
/// </summary>
[TestFixture]
public sealed class ReaderMonitor_with_readers_plugged_at_run_time
{
    private static readonly byte[] Atr = [0x3B, 0x80, 0x80, 0x01, 0x01];
    private ScriptedPcscService _service = null!;
    private ReaderMonitor _monitor = null!;
    private EventLog<string> _events = null!;

    [SetUp]
    public void Start()
    {
        _service = new ScriptedPcscService();
        _events = new EventLog<string>();
        _monitor = new ReaderMonitor(_service, NullLogger.Instance, new ReaderMonitorOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
        });
        _monitor.ReaderAttached += (_, e) => _events.Add($"attached {e.ReaderName}");
        _monitor.ReaderDetached += (_, e) => _events.Add($"detached {e.ReaderName}");
        _monitor.CardInserted += (_, e) => _events.Add($"inserted {e.ReaderName} {Convert.ToHexString(e.Atr)}");
        _monitor.CardRemoved += (_, e) => _events.Add($"removed {e.ReaderName}");
        _monitor.ServiceStateChanged += (_, e) => _events.Add(e.Available ? "service up" : "service down");
    }

    [TearDown]
    public void Stop()
    {
        _monitor.Dispose();
        _events.Dispose();
    }

    private void Expect(string what) => _events.WaitFor(e => e == what, TimeSpan.FromSeconds(5), what);

    [Test]
    public void With_no_reader_it_waits_and_sees_the_first_one_plugged_in()
    {
        _monitor.Start();
        Expect("service up");
        Assert.That(_monitor.Readers, Is.Empty);

        _service.Plug("ACS ACR122U 00 00");
        Expect("attached ACS ACR122U 00 00");
        _service.Tap("ACS ACR122U 00 00", Atr);
        Expect("inserted ACS ACR122U 00 00 3B80800101");
    }

    [Test]
    public void With_no_reader_it_does_not_spin()
    {
        _monitor.Start();
        Expect("service up");
        var callsAfterStart = _service.StatusCalls;
        // The monitor is now blocked in GetStatusChange; plugging a reader is the only thing that may wake it.
        _service.Plug("reader A");
        Expect("attached reader A");
        Assert.That(_service.StatusCalls - callsAfterStart, Is.LessThanOrEqualTo(3), "one wake-up per change, not a polling loop");
    }

    [Test]
    public void An_unplugged_reader_with_a_card_reports_the_card_removed_then_the_reader_detached()
    {
        _service.Plug("reader A");
        _service.Plug("reader B");
        _monitor.Start();
        Expect("attached reader A");
        _service.Tap("reader B", Atr);
        Expect("inserted reader B 3B80800101");

        _service.Unplug("reader B");
        Expect("removed reader B");
        Expect("detached reader B");
        Assert.That(_monitor.Readers, Is.EqualTo(new[] { "reader A" }));
    }

    [Test]
    public void A_card_swapped_between_two_waits_gives_a_removal_and_an_insertion()
    {
        _service.Plug("reader A");
        _monitor.Start();
        Expect("attached reader A");
        _service.Tap("reader A", Atr);
        Expect("inserted reader A 3B80800101");
        // Both changes land before the monitor looks again: only the event counter tells.
        _service.Swap("reader A", [0x3B, 0x00]);
        Expect("removed reader A");
        Expect("inserted reader A 3B00");
    }

    [Test]
    public void A_dead_service_is_retried_and_the_monitor_comes_back_by_itself()
    {
        _service.Plug("reader A");
        _monitor.Start();
        Expect("attached reader A");

        _service.Die();
        Expect("service down");
        Expect("detached reader A");
        var attemptsWhileDown = _service.EstablishAttempts;
        _service.Revive();
        Expect("service up");
        Expect("attached reader A");
        Assert.That(_service.EstablishAttempts, Is.GreaterThan(attemptsWhileDown));
    }

    [Test]
    public void A_failing_event_handler_does_not_stop_the_monitor()
    {
        _monitor.CardInserted += (_, _) => throw new InvalidOperationException("handler bug");
        _service.Plug("reader A");
        _monitor.Start();
        Expect("attached reader A");
        _service.Tap("reader A", Atr);
        Expect("inserted reader A 3B80800101");
        _service.Lift("reader A");
        Expect("removed reader A");
    }

    [Test]
    public void Stop_returns_while_the_monitor_is_blocked_waiting()
    {
        _monitor.Start();
        Expect("service up");
        Assert.That(() => _monitor.Stop(), Throws.Nothing);
        Assert.That(_monitor.ServiceAvailable, Is.True, "stopping is not an outage");
    }

    [Test]
    public void A_hung_reader_reports_its_card_removed_and_the_monitor_waits_instead_of_spinning()
    {
        _service.Plug("reader A");
        _monitor.Start();
        Expect("attached reader A");
        _service.Tap("reader A", Atr);
        Expect("inserted reader A 3B80800101");

        _service.Hang("reader A");
        Expect("removed reader A");
        var callsAfterHang = _service.StatusCalls;
        _service.Plug("reader B");
        Expect("attached reader B");
        Assert.That(_service.StatusCalls - callsAfterHang, Is.LessThanOrEqualTo(4), "the unavailable state is remembered, so the next wait blocks");
    }
}
