using System.Security.Cryptography;

namespace Validator.Core.Cards;

/// <summary>
/// Reads one tapped card into a <see cref="CardReadResult"/>: an EMV payment application (tokenised PAN) or a UID-only
/// card. One call per tap, synchronous, never throws for anything the card does. See docs/cards.md.
/// </summary>
public sealed class CardReader
{
    private readonly CardReaderOptions _options;
    private readonly CardTokenizer _tokenizer;
    private readonly TimeProvider _time;

    // The terminal data that is the same for every read, made once: TerminalData only ever reads these arrays.
    private static readonly byte[] ZeroAmount = new byte[6];
    private static readonly byte[] GoodsAndServices = [0x00]; // transaction type 9C
    private readonly byte[] _qualifiers;
    private readonly byte[] _country;
    private readonly byte[] _currency;

    /// <summary>Creates a reader; throws <see cref="ArgumentException"/> for a token key under 32 bytes or bad terminal settings.</summary>
    public CardReader(CardReaderOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Applications);
        if (options.TerminalTransactionQualifiers.Length != 4)
        {
            throw new ArgumentException("Terminal transaction qualifiers (9F66) are 4 bytes.", nameof(options));
        }
        if (options.CountryCode is < 0 or > 999 || options.CurrencyCode is < 0 or > 999)
        {
            throw new ArgumentException("Country and currency codes are ISO numeric codes 000..999.", nameof(options));
        }
        _options = options;
        _tokenizer = new CardTokenizer(options.TokenKey.Span);
        _time = timeProvider ?? TimeProvider.System;
        _qualifiers = options.TerminalTransactionQualifiers.ToArray();
        _country = Bcd2(options.CountryCode);
        _currency = Bcd2(options.CurrencyCode);
    }

    /// <summary>Reads the card on <paramref name="channel"/>.</summary>
    public CardReadResult Read(ICardChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var start = channel.ApduCount;
        CardReadResult result;
        using (var session = new ReadSession(channel, _options, _tokenizer, BuildTerminalData()))
        {
            // A PC/SC part 3 storage-card ATR (MIFARE Classic, Ultralight) means no ISO 14443-4: go straight to the UID.
            result = PcscPseudoAtr.TryParseStorageCard(channel.Atr.Span, out _, out _)
                ? UidRead.Read(session)
                : EmvRead.Read(session);
        }
        return result with { ApduCount = channel.ApduCount - start };
    }

    /// <summary>The PDOL/CDOL1 answers for this read: fixed settings, today's date, a fresh unpredictable number.</summary>
    private TerminalData BuildTerminalData()
    {
        var terminal = new TerminalData();
        terminal.Set(0x9F66, _qualifiers);
        terminal.Set(0x9F02, ZeroAmount, numeric: true); // amount authorised: 0, the validator charges nothing at the door
        terminal.Set(0x9F03, ZeroAmount, numeric: true); // amount other
        terminal.Set(0x9F1A, _country, numeric: true);
        terminal.Set(0x5F2A, _currency, numeric: true);
        var today = _time.GetLocalNow();
        var date = new byte[3];
        Bcd.Write(today.Year % 100, date.AsSpan(0, 1));
        Bcd.Write(today.Month, date.AsSpan(1, 1));
        Bcd.Write(today.Day, date.AsSpan(2, 1));
        terminal.Set(0x9A, date, numeric: true);
        terminal.Set(0x9C, GoodsAndServices, numeric: true);
        var unpredictable = new byte[4];
        RandomNumberGenerator.Fill(unpredictable);
        terminal.Set(0x9F37, unpredictable);
        return terminal;
    }

    private static byte[] Bcd2(int code)
    {
        var bytes = new byte[2];
        Bcd.Write(code, bytes);
        return bytes;
    }
}
