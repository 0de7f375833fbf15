namespace Validator.Simulation.Cards;

/// <summary>A card that answers every command with seeded random bytes and 9000: a broken card or a bad RF link.</summary>
public sealed class GarbageCard : ICardModel
{
    private readonly int _seed;
    private Random _random;

    /// <summary>Creates the card; the same seed gives the same answers after each reset.</summary>
    public GarbageCard(int seed = 1)
    {
        _seed = seed;
        _random = new Random(seed);
    }

    /// <inheritdoc />
    public byte[] Atr { get; } = ContactlessAtr.Iso14443Part4([0x00, 0x31, 0x00]);

    /// <inheritdoc />
#pragma warning disable CA5394 // Deterministic junk for tests, not security.
    public void Reset() => _random = new Random(_seed);

    /// <inheritdoc />
    public CardReply Process(ReadOnlySpan<byte> command)
    {
        var junk = new byte[_random.Next(1, 200)];
        _random.NextBytes(junk);
        return CardReply.Answer(junk, 0x9000);
    }
#pragma warning restore CA5394
}
