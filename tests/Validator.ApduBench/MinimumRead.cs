using System.Globalization;
using Validator.Simulation.Cards;

namespace Validator.ApduBench;

/// <summary>
/// The fewest APDUs that get a card's PAN and expiry, worked out from the card itself with an oracle's knowledge of
/// which records hold what (read here with every AFL record, independent of the validator's reader):
/// SELECT PPSE (a reader must ask it first), SELECT of the application, GET PROCESSING OPTIONS, and the fewest AFL
/// records that together hold a PAN (5A, or track 2 in 57 or 9F6B) and an expiry (5F24, or track 2), none when the GPO
/// answer already holds them. A UID card needs one command (GET DATA UID).
/// </summary>
internal static class MinimumRead
{
    public static (int? Apdus, string Explanation) Of(ICardModel card, string? aid, bool uid)
    {
        if (uid) return (1, "GET UID");
        if (aid is null) return (null, "no application was read");
        card.Reset();
        var ppse = card.Process(Select(Convert.FromHexString("325041592E5359532E4444463031"))); // "2PAY.SYS.DDF01"
        var select = card.Process(Select(Convert.FromHexString(aid)));
        if (!Ok(select)) return (null, "SELECT failed");
        var pdol = Find(Body(select), 0x9F38) ?? [];
        var gpo = card.Process(Gpo(DolLength(pdol)));
        if (!Ok(gpo)) return (null, "GPO failed");

        var fromGpo = Needs(Body(gpo));
        var head = $"PPSE{(Ok(ppse) ? "" : " (absent)")} + SELECT + GPO";
        if (fromGpo.Pan && fromGpo.Expiry) return (3, head + " (the GPO answer holds PAN and expiry)");

        var afl = gpo.Bytes[0] == 0x80 ? gpo.Bytes.AsSpan(4, gpo.Bytes.Length - 6).ToArray() // format 1: 80 len AIP(2) AFL, SW
            : Find(Body(gpo), 0x94) ?? [];
        var records = new List<(string Where, bool Pan, bool Expiry)>();
        for (var i = 0; i + 4 <= afl.Length; i += 4)
        {
            var sfi = afl[i] >> 3;
            for (var r = afl[i + 1]; r <= afl[i + 2] && r != 0; r++)
            {
                var answer = card.Process([0x00, 0xB2, r, (byte)((sfi << 3) | 0x04), 0x00]);
                var n = Ok(answer) ? Needs(Body(answer)) : default;
                records.Add((string.Create(CultureInfo.InvariantCulture, $"SFI {sfi} rec {r}"), n.Pan, n.Expiry));
                if (r == 0xFF) break;
            }
        }

        var needPan = !fromGpo.Pan;
        var needExpiry = !fromGpo.Expiry;
        var single = records.FirstOrDefault(r => (r.Pan || !needPan) && (r.Expiry || !needExpiry));
        if (single.Where is not null) return (4, $"{head} + 1 record ({single.Where} of the {records.Count} the AFL names)");
        var panRecord = records.FirstOrDefault(r => r.Pan);
        var expiryRecord = records.FirstOrDefault(r => r.Expiry);
        if (panRecord.Where is null || expiryRecord.Where is null) return (null, head + ": the AFL records lack the PAN or expiry");
        return (5, $"{head} + 2 records ({panRecord.Where}, {expiryRecord.Where} of the {records.Count} the AFL names)");
    }

    private static (bool Pan, bool Expiry) Needs(byte[] data)
    {
        var track2 = Find(data, 0x57) is not null || Find(data, 0x9F6B) is not null; // track 2 equivalent, or Mastercard's track 2 data
        return (track2 || Find(data, 0x5A) is not null, track2 || Find(data, 0x5F24) is not null);
    }

    private static byte[] Body(CardReply reply) => reply.Bytes[..^2];

    /// <summary>The value of the first <paramref name="tag"/> in BER-TLV <paramref name="data"/>, searching constructed tags too.</summary>
    private static byte[]? Find(ReadOnlySpan<byte> data, uint tag)
    {
        var i = 0;
        while (i < data.Length)
        {
            if (data[i] is 0x00 or 0xFF) { i++; continue; } // padding between objects
            var start = i;
            var constructed = (data[i] & 0x20) != 0;
            uint t = data[i++];
            if ((t & 0x1F) == 0x1F)
            {
                do t = (t << 8) | data[i]; while ((data[i++] & 0x80) != 0 && i < data.Length);
            }
            if (i >= data.Length) return null;
            int length = data[i++];
            if (length > 0x80)
            {
                var bytes = length & 0x7F;
                length = 0;
                for (var k = 0; k < bytes && i < data.Length; k++) length = (length << 8) | data[i++];
            }
            if (i + length > data.Length || start == i) return null;
            var value = data.Slice(i, length);
            if (t == tag) return value.ToArray();
            if (constructed && Find(value, tag) is { } inner) return inner;
            i += length;
        }
        return null;
    }

    private static bool Ok(CardReply reply) => reply.Kind == CardReplyKind.Answer && reply.Bytes.Length >= 2 && reply.Bytes[^2] == 0x90 && reply.Bytes[^1] == 0x00;

    private static byte[] Select(byte[] name) => [0x00, 0xA4, 0x04, 0x00, (byte)name.Length, .. name, 0x00];

    /// <summary>GPO with zero-filled PDOL data of the length the PDOL asks (the trace and model cards do not check it).</summary>
    private static byte[] Gpo(int pdolLength) => [0x80, 0xA8, 0x00, 0x00, (byte)(pdolLength + 2), 0x83, (byte)pdolLength, .. new byte[pdolLength], 0x00];

    /// <summary>The sum of the lengths in a DOL (tag, length pairs; tags of one or more bytes).</summary>
    private static int DolLength(byte[] dol)
    {
        var total = 0;
        for (var i = 0; i < dol.Length;)
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
