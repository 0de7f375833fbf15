using Validator.Core.Cards;
using Validator.Simulation.Cards;

namespace Validator.Core.Tests.Cards;

/// <summary>Taps a virtual card on an in-process reader: card model, simulated transport, ISO channel, card reader.</summary>
internal static class Tap
{
    /// <summary>A fixed 32-byte test key.</summary>
    public static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();

    public static CardReaderOptions Options(bool requireSequenceNumber = false, bool requestCryptogram = false, IReadOnlyList<SupportedApplication>? applications = null) =>
        new()
        {
            TokenKey = Key,
            RequireSequenceNumber = requireSequenceNumber,
            RequestCryptogram = requestCryptogram,
            Applications = applications ?? SupportedApplication.Defaults,
        };

    public static CardReadResult Read(ICardModel card, CardReaderOptions? options = null) =>
        Read(card, options, out _);

    public static CardReadResult Read(ICardModel card, CardReaderOptions? options, out RecordingCard recorder)
    {
        recorder = new RecordingCard(card);
        var channel = new IsoCardChannel(new SimulatedCardTransport(recorder));
        var result = new CardReader(options ?? Options()).Read(channel);
        Assert.That(result.ApduCount, Is.EqualTo(channel.ApduCount), "the result counts every APDU sent on the channel");
        return result;
    }

    public static CardToken PanToken(string pan) => new CardTokenizer(Key).ForPan(pan.AsSpan());
}

/// <summary>Passes commands through to a card and keeps them, so tests can see what the reader sent.</summary>
internal sealed class RecordingCard(ICardModel card) : ICardModel
{
    public List<byte[]> Commands { get; } = [];

    public byte[] Atr => card.Atr;

    public void Reset() => card.Reset();

    public CardReply Process(ReadOnlySpan<byte> command)
    {
        Commands.Add(command.ToArray());
        return card.Process(command);
    }

    /// <summary>The instruction names sent, e.g. "SELECT 2PAY.SYS.DDF01", "GPO", "READ RECORD 1/1".</summary>
    public List<string> Steps() => Commands.Select(Describe).ToList();

    private static string Describe(byte[] c) => (c[0], c[1]) switch
    {
        (0x00, 0xA4) => c[4] == 14 ? "SELECT PPSE" : $"SELECT {Hex.Format(c.AsSpan(5, c[4]))}",
        (0x80, 0xA8) => "GPO",
        (0x00, 0xB2) => $"READ RECORD {c[3] >> 3}/{c[2]}",
        (0x80, 0xAE) => "GENERATE AC",
        (0xFF, 0xCA) => "GET UID",
        (0x00, 0xC0) => "GET RESPONSE",
        _ => Hex.Format(c),
    };
}
