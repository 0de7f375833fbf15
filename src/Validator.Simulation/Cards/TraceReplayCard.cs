using System.Text.Json;

namespace Validator.Simulation.Cards;

/// <summary>
/// Plays back a recorded card trace (shared/testdata/cards/*.json) by meaning, not by exact bytes: SELECT by name
/// (a recorded name that starts with the asked one also answers, as partial selection does), GPO for the selected
/// application whatever PDOL data is sent, READ RECORD by P1/P2 within the selected application, GET DATA by tag.
/// Anything the recording lacks gets the status a card would give (6A82, 6985, 6A83, 6A88, 6D00).
/// </summary>
public sealed class TraceReplayCard : ICardModel
{
    private readonly List<(byte[] Name, byte[] Response)> _selects = [];
    private readonly Dictionary<string, byte[]> _gpo = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Context, byte P1, byte P2), byte[]> _records = [];
    private readonly Dictionary<(byte P1, byte P2), byte[]> _getData = [];
    private readonly byte[]? _uid;
    private string? _selected;

    /// <summary>Builds the replay from exchanges in recorded order.</summary>
    public TraceReplayCard(IEnumerable<RecordedExchange> exchanges, byte[]? atr = null, byte[]? uid = null)
    {
        ArgumentNullException.ThrowIfNull(exchanges);
        Atr = atr ?? ContactlessAtr.Iso14443Part4([]);
        _uid = uid;
        var context = "";
        foreach (var exchange in exchanges)
        {
            var c = exchange.Command;
            if (c is null)
            {
                if (exchange.Step is { } step && (step.Contains("GPO", StringComparison.Ordinal) || step.Contains("PROCESSING OPTIONS", StringComparison.Ordinal)))
                {
                    _gpo.TryAdd(context, exchange.Response);
                }
                continue;
            }
            if (c.Length < 4) continue;
            switch ((c[0], c[1]))
            {
                case (0x00, 0xA4) when c[2] == 0x04 && c.Length > 5 && c.Length >= 5 + c[4]:
                    var name = c.AsSpan(5, c[4]).ToArray();
                    if (c[3] == 0x00 && !_selects.Exists(s => s.Name.AsSpan().SequenceEqual(name))) _selects.Add((name, exchange.Response));
                    context = Convert.ToHexString(name);
                    break;
                case (0x80, 0xA8):
                    _gpo.TryAdd(context, exchange.Response);
                    break;
                case (0x00, 0xB2):
                    _records.TryAdd((context, c[2], c[3]), exchange.Response);
                    break;
                case (0x80, 0xCA):
                    _getData.TryAdd((c[2], c[3]), exchange.Response);
                    break;
            }
        }
    }

    /// <summary>Loads the <c>exchanges</c> array of a trace file.</summary>
    public static TraceReplayCard Load(string path, byte[]? atr = null, byte[]? uid = null)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return new TraceReplayCard(RecordedExchange.FromJson(document.RootElement.GetProperty("exchanges")), atr, uid);
    }

    /// <inheritdoc />
    public byte[] Atr { get; }

    /// <inheritdoc />
    public void Reset() => _selected = null;

    /// <inheritdoc />
    public CardReply Process(ReadOnlySpan<byte> command)
    {
        if (command.Length < 4) return CardReply.Status(0x6700);
        byte p1 = command[2], p2 = command[3];
        switch ((command[0], command[1]))
        {
            case (0x00, 0xA4) when p1 == 0x04 && command.Length > 5 && command.Length >= 5 + command[4]:
                return Select(command.Slice(5, command[4]));
            case (0x80, 0xA8):
                return _selected is not null && _gpo.TryGetValue(_selected, out var gpo) ? CardReply.Answer(gpo) : CardReply.Status(0x6985);
            case (0x00, 0xB2):
                if (_records.TryGetValue((_selected ?? "", p1, p2), out var record)) return CardReply.Answer(record);
                return CardReply.Status(0x6A83);
            case (0x80, 0xCA):
                return _getData.TryGetValue((p1, p2), out var data) ? CardReply.Answer(data) : CardReply.Status(0x6A88);
            case (0xFF, 0xCA):
                return _uid is null ? CardReply.Status(0x6A81) : CardReply.Answer(_uid, 0x9000);
            default:
                return CardReply.Status(0x6D00);
        }
    }

    private CardReply Select(ReadOnlySpan<byte> name)
    {
        _selected = null;
        foreach (var exact in new[] { true, false })
        {
            foreach (var (recorded, response) in _selects)
            {
                var match = exact ? recorded.AsSpan().SequenceEqual(name) : name.Length >= 5 && recorded.AsSpan().StartsWith(name);
                if (!match) continue;
                if (response.Length >= 2 && response[^2] is 0x90 or 0x61) _selected = Convert.ToHexString(recorded);
                return CardReply.Answer(response);
            }
        }
        return CardReply.Status(0x6A82);
    }
}

/// <summary>One recorded exchange: the command (null when the source left it out), the full response with SW1 SW2, and its label.</summary>
public sealed record RecordedExchange(byte[]? Command, byte[] Response, string? Step)
{
    /// <summary>Reads an array of <c>{"c": hex|null, "r": hex, "step"|"c_note": text}</c> objects.</summary>
    public static List<RecordedExchange> FromJson(JsonElement exchanges)
    {
        var list = new List<RecordedExchange>();
        foreach (var e in exchanges.EnumerateArray())
        {
            var c = e.TryGetProperty("c", out var cValue) && cValue.ValueKind == JsonValueKind.String ? Convert.FromHexString(cValue.GetString()!) : null;
            var r = Convert.FromHexString(e.GetProperty("r").GetString()!);
            var step = e.TryGetProperty("step", out var s) ? s.GetString() : e.TryGetProperty("c_note", out var n) ? n.GetString() : null;
            list.Add(new RecordedExchange(c, r, step));
        }
        return list;
    }
}
