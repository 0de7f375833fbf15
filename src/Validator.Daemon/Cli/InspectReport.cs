using System.Text.Json.Serialization;
using Validator.Core.Cards;

namespace Validator.Daemon.Cli;

/// <summary>One card as <c>validator inspect --json</c> prints it: one object per line. Never the PAN.</summary>
internal sealed record InspectReport(
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("kind")] string? Kind,
    [property: JsonPropertyName("brand")] string? Brand,
    [property: JsonPropertyName("aid")] string? Aid,
    [property: JsonPropertyName("last4")] string? Last4,
    [property: JsonPropertyName("expiry")] string? Expiry,
    [property: JsonPropertyName("psn")] string? Psn,
    [property: JsonPropertyName("par")] string? Par,
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("apdus")] int Apdus,
    [property: JsonPropertyName("ms")] double Ms,
    [property: JsonPropertyName("reader")] string Reader,
    [property: JsonPropertyName("atr")] string Atr,
    [property: JsonPropertyName("detail")] string? Detail)
{
    public static InspectReport From(CardReadResult result, string reader, ReadOnlySpan<byte> atr, TimeSpan elapsed)
    {
        var id = result.Identity;
        return new InspectReport(
            Outcome: result.Outcome switch
            {
                CardReadOutcome.Identified => "identified",
                CardReadOutcome.NotSupported => "not-supported",
                _ => "read-failed",
            },
            Reason: result.Outcome == CardReadOutcome.Identified ? null : result.Reason.ToString(),
            Kind: id is null ? null : id.Kind == CardKind.Emv ? "emv" : "uid",
            Brand: id?.Brand,
            Aid: id?.Aid,
            Last4: id?.Last4,
            Expiry: id?.Expiry,
            Psn: id?.Psn is { } psn ? Hex.Format(psn) : null,
            Par: id?.Par,
            Token: id?.Token.ToString(),
            Apdus: result.ApduCount,
            Ms: Math.Round(elapsed.TotalMilliseconds, 2),
            Reader: reader,
            Atr: Hex.Format(atr),
            Detail: result.Detail);
    }

    /// <summary>The human-readable form: one block per card.</summary>
    public string ToText()
    {
        var lines = new List<string> { $"{Outcome}{(Reason is null ? "" : $" ({Reason})")} on {Reader} in {Ms:F1} ms, {Apdus} APDUs" };
        void Add(string label, string? value)
        {
            if (value is not null) lines.Add($"  {label,-8} {value}");
        }
        Add("kind", Kind);
        Add("brand", Brand);
        Add("aid", Aid);
        Add("last4", Last4);
        Add("expiry", Expiry);
        Add("psn", Psn);
        Add("par", Par);
        Add("token", Token);
        Add("atr", Atr);
        Add("detail", Detail);
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Source-generated JSON for the CLI's output (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(InspectReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
