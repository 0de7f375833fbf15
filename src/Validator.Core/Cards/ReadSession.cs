using System.Globalization;
using System.Security.Cryptography;

namespace Validator.Core.Cards;

/// <summary>
/// One tap's read: the channel, the settings, the terminal data for the DOLs, and every response received,
/// which <see cref="Dispose"/> zeroes because records and GPO answers carry the PAN.
/// </summary>
internal sealed class ReadSession : IDisposable
{
    /// <summary>Far above any real card's read (at most a dozen) and far below a hang.</summary>
    internal const int MaxApdusPerRead = 64;

    private int _sent;

    private readonly List<byte[]> _received = [];

    public ReadSession(ICardChannel channel, CardReaderOptions options, CardTokenizer tokenizer, TerminalData terminal)
    {
        Channel = channel;
        Options = options;
        Tokenizer = tokenizer;
        Terminal = terminal;
    }

    public ICardChannel Channel { get; }

    public CardReaderOptions Options { get; }

    public CardTokenizer Tokenizer { get; }

    public TerminalData Terminal { get; }

    /// <summary>Sends a command; false with a stop when the card gave no answer at all.</summary>
    public bool TryTransmit(ReadOnlySpan<byte> command, string step, out ApduResponse response, out ReadStop stop)
    {
        // A card (or a phone emulating one) that keeps a read going forever must not hold up the students behind it.
        if (++_sent > MaxApdusPerRead)
        {
            response = new ApduResponse([], 0, 0);
            stop = ReadStop.Malformed($"{step}: more than {MaxApdusPerRead} APDUs in one read");
            return false;
        }
        var result = Channel.Transmit(command);
        if (!result.TryGetResponse(out response))
        {
            stop = ReadStop.FromFault(result.Fault, step, result.Detail);
            return false;
        }
        _received.Add(response.Data);
        stop = default;
        return true;
    }

    /// <summary>A status word for details: four hex digits.</summary>
    public static string Sw(ApduResponse response) => response.StatusWord.ToString("X4", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var data in _received)
        {
            CryptographicOperations.ZeroMemory(data);
        }
        _received.Clear();
    }
}
