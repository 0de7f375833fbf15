using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Validator.Daemon.Cli;

/// <summary>The verdict of one self-test check.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SelftestResult>))]
internal enum SelftestResult
{
    [JsonStringEnumMemberName("PASS")]
    Pass,

    [JsonStringEnumMemberName("WARN")]
    Warn,

    [JsonStringEnumMemberName("FAIL")]
    Fail,
}

/// <summary>One check: its verdict, a one-line reason, and what to do when it is not a pass.</summary>
internal sealed record SelftestCheck(string Name, SelftestResult Result, string Reason, string? Action = null)
{
    public static SelftestCheck Pass(string name, string reason) => new(name, SelftestResult.Pass, reason);

    public static SelftestCheck Warn(string name, string reason, string action) => new(name, SelftestResult.Warn, reason, action);

    public static SelftestCheck Fail(string name, string reason, string action) => new(name, SelftestResult.Fail, reason, action);
}

/// <summary>What <c>validator selftest</c> found; <see cref="Passed"/> is false when any check failed.</summary>
internal sealed record SelftestReport(string Software, DateTimeOffset Time, IReadOnlyList<SelftestCheck> Checks)
{
    public bool Passed => Checks.All(c => c.Result != SelftestResult.Fail);

    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var check in Checks)
        {
            var verdict = check.Result switch
            {
                SelftestResult.Pass => "PASS",
                SelftestResult.Warn => "WARN",
                _ => "FAIL",
            };
            text.Append(CultureInfo.InvariantCulture, $"{verdict}  {check.Name,-13} {check.Reason}\n");
            if (check.Action is not null) text.Append(CultureInfo.InvariantCulture, $"      {"",-13} -> {check.Action}\n");
        }
        var failed = Checks.Count(c => c.Result == SelftestResult.Fail);
        var warned = Checks.Count(c => c.Result == SelftestResult.Warn);
        text.Append(CultureInfo.InvariantCulture, $"selftest {(failed == 0 ? "passed" : "FAILED")}: {Checks.Count - failed - warned} pass, {warned} warn, {failed} fail\n");
        return text.ToString();
    }
}
