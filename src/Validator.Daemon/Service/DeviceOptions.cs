namespace Validator.Daemon.Service;

/// <summary>Who and where this validator is, bound from the "Device" configuration section.</summary>
internal sealed class DeviceOptions
{
    public const string Section = "Device";

    /// <summary>The device id the back office knows (e.g. "bus-0417-door-1"); written by <c>validator provision</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>Where the tap journal and the lists live; systemd's StateDirectory.</summary>
    public string DataDirectory { get; set; } = "/var/lib/validator";

    /// <summary>The line this bus serves, for line-limited passes; empty when unknown.</summary>
    public string? Line { get; set; }

    /// <summary>The stop or depot, for the tap record; empty when unknown.</summary>
    public string? Stop { get; set; }

    /// <summary>
    /// The file whose presence means "the clock was synchronised in this boot"; systemd-timesyncd's flag by default.
    /// Another sync daemon (chrony, a GNSS receiver) can signal through a file of its own.
    /// </summary>
    public string ClockSyncFlagPath { get; set; } = Validator.Core.Clock.TimesyncdSyncSource.DefaultPath;

    /// <summary>Longest wait for one APDU's answer.</summary>
    public int ApduTimeoutMs { get; set; } = 1000;

    /// <summary>What is wrong, in words that say what to fix; empty when the options can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Id)) problems.Add("Device:Id is empty; run 'validator provision --device-id ID ...' or set it in the configuration");
        if (string.IsNullOrWhiteSpace(DataDirectory)) problems.Add("Device:DataDirectory is empty; the default is /var/lib/validator");
        if (string.IsNullOrWhiteSpace(ClockSyncFlagPath)) problems.Add($"Device:ClockSyncFlagPath is empty; the default is {Validator.Core.Clock.TimesyncdSyncSource.DefaultPath}");
        if (ApduTimeoutMs is < 50 or > 10_000) problems.Add($"Device:ApduTimeoutMs is {ApduTimeoutMs}; use 50..10000 (real cards answer within a few hundred ms)");
        return problems;
    }
}
