using Validator.Simulation.Cards;

namespace Validator.TapBench;

/// <summary>The card profiles the bench taps, each with fixed account data so every tap reads the same card.</summary>
internal static class BenchCards
{
    /// <summary>The Mastercard profile carries the PAN the bench's student pass is issued to, so its taps are accepted.</summary>
    public static CardholderData Student { get; } = new("5413330089600010", "2812", 1);

    /// <summary>A fresh card of profile <paramref name="name"/> (mastercard, visa, girocard, uid).</summary>
    public static ICardModel Create(string name) => name switch
    {
        "mastercard" => CardProfiles.Mastercard(Student),
        "visa" => CardProfiles.Visa(),
        "girocard" => CardProfiles.Girocard(),
        "uid" => CardProfiles.Mifare(),
        _ => throw new ArgumentException($"no bench profile '{name}'; known: mastercard, visa, girocard, uid"),
    };

    /// <summary>The name a table shows for <paramref name="name"/>.</summary>
    public static string Title(string name) => name switch
    {
        "mastercard" => "Mastercard",
        "visa" => "Visa",
        "girocard" => "girocard",
        "uid" => "UID (MIFARE)",
        _ => name,
    };
}

/// <summary>Keeps the commands the tap path sent, so the floor measurement sends exactly the same ones.</summary>
internal sealed class RecordingCard(ICardModel card) : ICardModel
{
    public List<byte[]> Commands { get; } = [];

    /// <summary>False once the tap is over, so the floor's commands are not recorded again.</summary>
    public bool Recording { get; set; } = true;

    public byte[] Atr => card.Atr;

    public void Reset() => card.Reset();

    public CardReply Process(ReadOnlySpan<byte> command)
    {
        if (Recording) Commands.Add(command.ToArray());
        return card.Process(command);
    }
}
