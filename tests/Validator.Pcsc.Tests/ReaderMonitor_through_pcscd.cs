using Validator.Testing;
using System.Diagnostics;
using Validator.Simulation.Vpcd;

namespace Validator.Pcsc.Tests;

[TestFixture]
[NonParallelizable]
public sealed class ReaderMonitor_through_pcscd
{
    [SetUp]
    public void RequirePcscd() => PcscStack.RequireEmptyReader();

    private static VpcdOptions Slot0 => new() { Port = PcscStack.Port };

    [Test]
    public void The_virtual_reader_is_reported_at_start()
    {
        using var rig = new MonitorRig();
        rig.Expect("attached");
        Assert.That(rig.Monitor.Readers, Does.Contain(PcscStack.ReaderName));
    }

    [Test]
    public void A_card_inserted_is_seen_with_its_ATR_and_its_removal_is_seen()
    {
        using var rig = new MonitorRig();
        rig.Expect("attached");
        using var card = new VpcdCard(new TestCards.Echo(TestCards.MifareAtr), Slot0);

        card.Insert();
        var inserted = rig.Expect("inserted");
        Assert.That(inserted.Atr, Is.EqualTo(TestCards.MifareAtr));

        card.Remove();
        rig.Expect("removed");
    }

    [Test]
    public void A_card_already_on_the_reader_at_start_is_reported()
    {
        using var card = new VpcdCard(new TestCards.Echo(TestCards.MifareAtr), Slot0);
        card.Insert();
        try
        {
            using var rig = new MonitorRig();
            var inserted = rig.Expect("inserted");
            Assert.That(inserted.Atr, Is.EqualTo(TestCards.MifareAtr));
        }
        finally
        {
            card.Remove();
        }
    }

    [Test]
    public void Several_taps_in_a_row_each_give_one_insert_and_one_removal()
    {
        using var rig = new MonitorRig();
        rig.Expect("attached");
        for (var tap = 0; tap < 5; tap++)
        {
            using var card = new VpcdCard(new TestCards.Echo(TestCards.MifareAtr), Slot0);
            card.Insert();
            rig.Expect("inserted");
            card.Remove();
            rig.Expect("removed");
        }
    }

    [Test]
    public void The_monitor_recovers_after_pcscd_is_killed_and_started_again()
    {
        var pcscd = PcscStack.RequireOwned();
        using var rig = new MonitorRig();
        rig.Expect("attached");
        Assert.That(rig.Monitor.ContextsEstablished, Is.EqualTo(1));

        pcscd.Kill();
        rig.Expect("service-down");
        rig.Expect("detached");
        Assert.That(rig.Monitor.ServiceAvailable, Is.False);

        // Timed from pcscd's launch, so this bounds the monitor's reconnect from above (pcscd's own start included).
        var back = Stopwatch.StartNew();
        PcscStack.Restart();
        rig.Expect("service-up");
        var recovery = back.Elapsed;
        rig.Expect("attached");
        Assert.That(recovery, Is.LessThan(TimeSpan.FromSeconds(2)), $"context re-established {recovery.TotalMilliseconds:F0} ms after pcscd was started (2 s allowed)");
        Assert.That(rig.Monitor.ContextsEstablished, Is.GreaterThanOrEqualTo(2));

        using var card = new VpcdCard(new TestCards.Echo(TestCards.MifareAtr), Slot0);
        card.Insert();
        Assert.That(rig.Expect("inserted").Atr, Is.EqualTo(TestCards.MifareAtr));
        card.Remove();
        rig.Expect("removed");
    }

    [Test]
    public void A_card_on_the_reader_when_pcscd_dies_is_reported_removed()
    {
        var pcscd = PcscStack.RequireOwned();
        using var rig = new MonitorRig();
        rig.Expect("attached");
        using var card = new VpcdCard(new TestCards.Echo(TestCards.MifareAtr), Slot0);
        card.Insert();
        rig.Expect("inserted");

        pcscd.Kill();
        rig.Expect("removed");
        PcscStack.Restart();
        rig.Expect("attached");
    }
}
