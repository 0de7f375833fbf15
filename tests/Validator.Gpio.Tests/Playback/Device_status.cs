using Validator.Core.Feedback;
using static Validator.Gpio.Tests.FeedbackRig;

namespace Validator.Gpio.Tests.Playback;

public class Device_status
{
    [Test]
    public void Ready_is_amber_steady()
    {
        using var rig = Start().Ready();

        rig.Advance(10_000);

        Expect.Intervals(rig.Lit(Amber), (0, 10_000));
        Assert.That(rig.Driver.Changes.Where(c => c.Timestamp > rig.Origin), Is.Empty, "a steady state writes nothing");
    }

    [Test]
    public void Offline_winks_the_amber_every_three_seconds()
    {
        using var rig = Start().Ready();

        rig.Feedback.SetStatus(DeviceStatus.Offline);
        rig.Advance(6500);

        Expect.Intervals(rig.Lit(Amber), (0, 2800), (3000, 5800), (6000, 6500));
    }

    [Test]
    public void Stale_lists_wink_the_amber_twice_every_three_seconds()
    {
        using var rig = Start().Ready();

        rig.Feedback.SetStatus(DeviceStatus.ListsStale);
        rig.Advance(3500);

        Expect.Intervals(rig.Lit(Amber), (0, 2400), (2550, 2700), (3000, 3500));
    }

    [Test]
    public void Out_of_service_blinks_red_slowly_with_everything_else_dark()
    {
        using var rig = Start().Ready();

        rig.Feedback.SetStatus(DeviceStatus.OutOfService);
        rig.Advance(4500);

        Expect.Intervals(rig.Lit(Red), (0, 200), (2000, 2200), (4000, 4200));
        Expect.Intervals(rig.Lit(Amber));
        Expect.Intervals(rig.Lit(Green));
    }

    [Test]
    public void A_status_change_during_a_tap_waits_for_the_tap_to_end()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.Accepted);
        rig.Advance(300);
        rig.Feedback.SetStatus(DeviceStatus.OutOfService);
        rig.Advance(2000);

        Expect.Intervals(rig.Lit(Green), (0, 1000));
        Expect.Intervals(rig.Lit(Red), (1000, 1200));
        Expect.Intervals(rig.Lit(Amber));
    }

    [Test]
    public void The_latest_status_is_the_one_shown_after_a_tap()
    {
        using var rig = Start().Ready();

        rig.Feedback.Show(TapSignal.Rejected);
        rig.Feedback.SetStatus(DeviceStatus.OutOfService);
        rig.Feedback.SetStatus(DeviceStatus.Ready);
        rig.Advance(2000);

        Expect.Intervals(rig.Lit(Red), (0, 1500));
        Expect.Intervals(rig.Lit(Amber), (1500, 2000));
    }

    [Test]
    public void A_tap_still_shows_while_out_of_service()
    {
        using var rig = Start().Ready();
        rig.Feedback.SetStatus(DeviceStatus.OutOfService);

        rig.Feedback.Show(TapSignal.TapAgain);
        rig.Advance(100);

        Assert.That(rig.IsLit(Amber), Is.True);
    }
}
