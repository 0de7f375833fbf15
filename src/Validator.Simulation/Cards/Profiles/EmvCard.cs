using System.Security.Cryptography;

namespace Validator.Simulation.Cards;

/// <summary>
/// A virtual contactless EMV card: a PPSE (optional) listing its applications, and each application's FCI,
/// GPO answer, records and GENERATE AC. Counts its ATC so tests can see which reads spend a cryptogram.
/// </summary>
public sealed class EmvCard : ICardModel
{
    private static readonly byte[] PpseName = "2PAY.SYS.DDF01"u8.ToArray();

    private readonly IReadOnlyList<EmvApplicationProfile> _applications;
    private EmvApplicationProfile? _selected;

    /// <summary>Creates a card with <paramref name="applications"/>, in PPSE order.</summary>
    public EmvCard(IReadOnlyList<EmvApplicationProfile> applications, byte[]? atr = null, bool hasPpse = true, byte[]? uid = null)
    {
        _applications = applications ?? throw new ArgumentNullException(nameof(applications));
        Atr = atr ?? ContactlessAtr.Iso14443Part4([]);
        HasPpse = hasPpse;
        Uid = uid;
    }

    /// <inheritdoc />
    public byte[] Atr { get; }

    /// <summary>False for a card without 2PAY.SYS.DDF01: readers must use the list-of-AIDs method.</summary>
    public bool HasPpse { get; }

    /// <summary>The UID the reader reports for FF CA; null answers 6A81.</summary>
    public byte[]? Uid { get; }

    /// <summary>Application transaction counter: advanced by GENERATE AC and by a cryptogram-bearing GPO.</summary>
    public int TransactionCounter { get; private set; }

    /// <summary>The applications, in PPSE order.</summary>
    public IReadOnlyList<EmvApplicationProfile> Applications => _applications;

    /// <inheritdoc />
    public void Reset() => _selected = null;

    /// <inheritdoc />
    public CardReply Process(ReadOnlySpan<byte> command)
    {
        if (command.Length < 4) return CardReply.Status(0x6700);
        var data = CommandData(command);
        return (command[0], command[1]) switch
        {
            (0x00, 0xA4) when command[2] == 0x04 => Select(data),
            (0x80, 0xA8) => GetProcessingOptions(data),
            (0x00, 0xB2) => ReadRecord(command[2], command[3]),
            (0x80, 0xAE) => GenerateAc(data),
            (0xFF, 0xCA) => Uid is null ? CardReply.Status(0x6A81) : CardReply.Answer(Uid, 0x9000),
            _ => CardReply.Status(0x6D00),
        };
    }

    private static ReadOnlySpan<byte> CommandData(ReadOnlySpan<byte> command)
    {
        if (command.Length <= 5) return default;
        var lc = command[4];
        return command.Length >= 5 + lc ? command.Slice(5, lc) : default;
    }

    private CardReply Select(ReadOnlySpan<byte> name)
    {
        _selected = null;
        if (name.SequenceEqual(PpseName))
        {
            return HasPpse ? CardReply.Answer(PpseFci(), 0x9000) : CardReply.Status(0x6A82);
        }
        // Partial selection (EMV Book 1 12.3.1): the name may be a prefix of the application's AID.
        EmvApplicationProfile? application = null;
        foreach (var candidate in _applications)
        {
            if (name.Length >= 5 && candidate.Aid.AsSpan().StartsWith(name))
            {
                application = candidate;
                break;
            }
        }
        if (application is null) return CardReply.Status(0x6A82);
        if (application.SelectStatus != 0x9000) return CardReply.Status(application.SelectStatus);
        _selected = application;
        var proprietary = new List<byte[]> { SimTlv.Tlv(0x50, SimTlv.Ascii(application.Label)) };
        if (application.Priority != 0) proprietary.Add(SimTlv.Tlv(0x87, [application.Priority]));
        if (application.Pdol is not null) proprietary.Add(SimTlv.Tlv(0x9F38, application.Pdol));
        proprietary.Add(SimTlv.Tlv(0x5F2D, SimTlv.Ascii("deen")));
        var fci = SimTlv.Tlv(0x6F, SimTlv.Tlv(0x84, application.Aid), SimTlv.Tlv(0xA5, [.. proprietary]));
        return CardReply.Answer(fci, 0x9000);
    }

    private byte[] PpseFci()
    {
        var entries = _applications.Select(a =>
        {
            var parts = new List<byte[]> { SimTlv.Tlv(0x4F, a.Aid), SimTlv.Tlv(0x50, SimTlv.Ascii(a.Label)) };
            if (a.Priority != 0) parts.Add(SimTlv.Tlv(0x87, [a.Priority]));
            return SimTlv.Tlv(0x61, [.. parts]);
        }).ToArray();
        return SimTlv.Tlv(0x6F,
            SimTlv.Tlv(0x84, PpseName),
            SimTlv.Tlv(0xA5, SimTlv.Tlv(0xBF0C, entries)));
    }

    private CardReply GetProcessingOptions(ReadOnlySpan<byte> data)
    {
        if (_selected is null) return CardReply.Status(0x6985);
        if (_selected.GpoStatus != 0x9000) return CardReply.Status(_selected.GpoStatus);
        // The command data is 83 L pdol-data; the card checks the length against its PDOL (EMV Book 3 6.5.8.3).
        if (data.Length < 2 || data[0] != 0x83) return CardReply.Status(0x6A80);
        var length = data[1] == 0x81 && data.Length > 2 ? data[2] : data[1];
        if (length != DolLength(_selected.Pdol)) return CardReply.Status(0x6700);

        var afl = _selected.Afl();
        if (_selected.GpoGeneratesCryptogram) TransactionCounter++;
        if (_selected.GpoFormat == GpoFormat.Format1)
        {
            return CardReply.Answer(SimTlv.Tlv(0x80, _selected.Aip, afl), 0x9000);
        }
        var extra = _selected.GpoGeneratesCryptogram ? CryptogramFields(0x80) : [];
        return CardReply.Answer(SimTlv.Tlv(0x77, SimTlv.Tlv(0x82, _selected.Aip), SimTlv.Tlv(0x94, afl), _selected.GpoData, extra), 0x9000);
    }

    private CardReply ReadRecord(byte record, byte p2)
    {
        if (_selected is null) return CardReply.Status(0x6985);
        if ((p2 & 0x07) != 0x04) return CardReply.Status(0x6A86);
        var sfi = (byte)(p2 >> 3);
        foreach (var (key, content) in _selected.Records)
        {
            if (key.Sfi == sfi && key.Record == record) return CardReply.Answer(SimTlv.Tlv(0x70, content), 0x9000);
        }
        return CardReply.Status(0x6A83);
    }

    private CardReply GenerateAc(ReadOnlySpan<byte> data)
    {
        if (_selected?.Cdol1 is null) return CardReply.Status(0x6985);
        if (data.Length != DolLength(_selected.Cdol1)) return CardReply.Status(0x6700);
        TransactionCounter++;
        return CardReply.Answer(SimTlv.Tlv(0x77, CryptogramFields(0x80)), 0x9000);
    }

    private byte[] CryptogramFields(byte kind)
    {
        var cryptogram = new byte[8];
        RandomNumberGenerator.Fill(cryptogram);
        return SimTlv.Join(
            SimTlv.Tlv(0x9F27, [kind]),
            SimTlv.Tlv(0x9F36, [(byte)(TransactionCounter >> 8), (byte)TransactionCounter]),
            SimTlv.Tlv(0x9F26, cryptogram),
            SimTlv.Tlv(0x9F10, [0x06, 0x01, 0x12, 0x03, 0xA0, 0x00, 0x00]));
    }

    /// <summary>Total length a DOL asks for; one-byte lengths, BER tags.</summary>
    internal static int DolLength(byte[]? dol)
    {
        if (dol is null) return 0;
        var total = 0;
        var i = 0;
        while (i < dol.Length)
        {
            if ((dol[i++] & 0x1F) == 0x1F)
            {
                while (i < dol.Length && (dol[i++] & 0x80) != 0)
                {
                }
            }
            if (i < dol.Length) total += dol[i++];
        }
        return total;
    }
}
