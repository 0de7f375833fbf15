using System.Text;

namespace Validator.Core.Cards;

/// <summary>
/// The EMV contactless read: PPSE (or the list of AIDs), then per application SELECT, GET PROCESSING OPTIONS and
/// READ RECORD until PAN and expiry are in hand. See docs/cards.md for the order and the stopping rule.
/// </summary>
internal static class EmvRead
{
    /// <summary>Reads the card; falls back to the UID when the card has no payment system environment and no supported AID.</summary>
    public static CardReadResult Read(ReadSession session)
    {
        if (!session.TryTransmit(EmvCommands.Select(EmvCommands.PpseName), "SELECT PPSE", out var ppse, out var stop)) return stop.ToResult();

        if (ppse.IsSuccess)
        {
            var error = ApplicationDirectory.TryParsePpse(ppse.Data, session.Options.Applications, out var candidates);
            if (error != TlvError.None) return ReadStop.Malformed($"SELECT PPSE: FCI {error}").ToResult();
            if (candidates.Count == 0)
            {
                return ReadStop.NotSupported(CardReadReason.NoSupportedApplication, "PPSE lists no supported application").ToResult();
            }
            return ReadCandidates(session, candidates);
        }

        return ReadListOfAids(session);
    }

    private static CardReadResult ReadCandidates(ReadSession session, List<ApplicationCandidate> candidates)
    {
        ReadStop? failure = null;
        foreach (var candidate in candidates)
        {
            var name = Hex.Format(candidate.Aid);
            if (!session.TryTransmit(EmvCommands.Select(candidate.Aid), $"SELECT {name}", out var selected, out var stop)) return stop.ToResult();
            var attempt = ReadApplication(session, candidate.Supported, candidate.Aid, selected);
            if (attempt.Identity is not null || attempt.Terminal) return attempt.Result;
            failure = Worse(failure, attempt.Stop);
        }
        return failure!.Value.ToResult();
    }

    /// <summary>EMV Book 1 12.3.3: without a directory, SELECT each supported AID in turn.</summary>
    private static CardReadResult ReadListOfAids(ReadSession session)
    {
        ReadStop? failure = null;
        foreach (var supported in session.Options.Applications)
        {
            var aid = supported.Aid.Span;
            var name = Hex.Format(aid);
            if (!session.TryTransmit(EmvCommands.Select(aid), $"SELECT {name}", out var selected, out var stop)) return stop.ToResult();
            if (!selected.IsSuccess) continue;
            var attempt = ReadApplication(session, supported, aid, selected);
            if (attempt.Identity is not null || attempt.Terminal) return attempt.Result;
            failure = Worse(failure, attempt.Stop);
        }
        if (failure is not null) return failure.Value.ToResult();

        // No payment application at all: a card known by its UID, if any.
        return UidRead.Read(session);
    }

    /// <summary>A malformed answer says more than an unavailable application, so it is the one reported.</summary>
    private static ReadStop Worse(ReadStop? current, ReadStop next) =>
        current is { Reason: CardReadReason.MalformedAnswer } ? current.Value : next;

    private static Attempt ReadApplication(ReadSession session, SupportedApplication supported, ReadOnlySpan<byte> requested, ApduResponse selected)
    {
        var name = Hex.Format(requested);
        if (!selected.IsSuccess)
        {
            // 6A81 blocked, 6A82 not found, 6283 deactivated: this application is out, the next may do.
            return Attempt.Unavailable($"SELECT {name}: SW {ReadSession.Sw(selected)}");
        }

        var error = TlvTree.ReadTemplate(selected.Data, out var fci);
        if (error != TlvError.None || fci.Tag != 0x6F) return Attempt.Malformed($"SELECT {name}: FCI {Describe(error, fci.Tag, 0x6F)}");
        if (!TryFindTopLevel(fci.Value, 0x84, out var dfName)) return Attempt.Malformed($"SELECT {name}: FCI has no DF name (84)");
        // EMV Book 1 12.3.1: the DF name is the full AID; with partial selection it is longer than what was asked.
        if (!dfName.StartsWith(requested)) return Attempt.Malformed($"SELECT {name}: FCI names another application");
        var aid = Hex.Format(dfName);
        var label = TlvTree.TryFind(fci.Value, 0x50, out var labelBytes) ? Printable(labelBytes) : null;
        var pdol = TlvTree.TryFind(fci.Value, 0x9F38, out var pdolBytes) ? pdolBytes : default;

        error = DolBuilder.TryBuild(pdol, session.Terminal, out var pdolData);
        if (error != TlvError.None) return Attempt.Malformed($"{aid}: PDOL {error}");

        if (!session.TryTransmit(EmvCommands.GetProcessingOptions(pdolData), $"GPO {aid}", out var gpo, out var stop)) return Attempt.Stopped(stop);
        if (!gpo.IsSuccess) return Attempt.Unavailable($"GPO {aid}: SW {ReadSession.Sw(gpo)}");

        using var data = new ApplicationData();
        var problem = ReadProcessingOptions(gpo.Data, data, out var afl);
        if (problem is not null) return Attempt.Malformed($"GPO {aid}: {problem}");

        var recordsEnd = ReadRecords(session, aid, afl, data);
        if (recordsEnd is not null) return recordsEnd.Value;

        if (!data.HasPan) return Attempt.Malformed($"{aid}: no PAN in the application data");

        ApplicationCryptogram? cryptogram = null;
        if (session.Options.RequestCryptogram)
        {
            var generated = Cryptograms.Obtain(session, data, pdolData, aid, out cryptogram, out stop);
            if (generated is not null) return generated.Value;
        }

        var identity = new CardIdentity
        {
            Kind = CardKind.Emv,
            Brand = supported.Brand,
            Token = session.Tokenizer.ForPan(data.Pan),
            Aid = aid,
            Last4 = data.Last4(),
            Expiry = data.Expiry,
            Psn = data.Psn,
            Par = data.Par,
            ApplicationLabel = label,
            Cryptogram = cryptogram,
        };
        return Attempt.Identified(identity);
    }

    /// <summary>
    /// READ RECORD, stopping as soon as <see cref="IsComplete"/> holds (also before the first record, when the GPO answer
    /// already had everything). The AFL's entries are read in order of their short file number, lowest first, and in AFL
    /// order within one file: issuers keep the application's own data (track 2, PAN, expiry) in the low files and the
    /// certificates for offline authentication (8F, 90, 9F46) in higher ones, which some cards list first (the recorded
    /// girocard: SFI 3 and 4 before SFI 1, three APDUs more). It is a convention, not a rule, so every record is still
    /// read when the PAN is elsewhere; only the order changes. Every APDU saved is 10–50 ms of radio time.
    /// Null when the records were read without a problem.
    /// </summary>
    private static Attempt? ReadRecords(ReadSession session, string aid, AflEntry[] afl, ApplicationData data)
    {
        if (IsComplete(session.Options, data)) return null;
        foreach (var entry in afl.OrderBy(e => e.Sfi)) // a stable sort: AFL order within one file
        {
            for (int record = entry.FirstRecord; record <= entry.LastRecord; record++) // int: a byte counter wraps at LastRecord 0xFF and never ends
            {
                var step = $"READ RECORD {aid} SFI {entry.Sfi} record {record}";
                if (!session.TryTransmit(EmvCommands.ReadRecord(entry.Sfi, (byte)record), step, out var answer, out var stop)) return Attempt.Stopped(stop);
                if (!answer.IsSuccess) return Attempt.Malformed($"{step}: SW {ReadSession.Sw(answer)}");
                var error = TlvTree.ReadTemplate(answer.Data, out var template);
                if (error != TlvError.None || template.Tag != 0x70) return Attempt.Malformed($"{step}: {Describe(error, template.Tag, 0x70)}");
                var problem = data.Absorb(template.Value);
                if (problem is not null) return Attempt.Malformed($"{step}: {problem}");
                if (IsComplete(session.Options, data)) return null;
            }
        }
        return null;
    }

    /// <summary>
    /// The needed data: PAN and expiry; the PAN sequence number when configured; CDOL1 (or a GPO cryptogram)
    /// when cryptograms are requested.
    /// </summary>
    internal static bool IsComplete(CardReaderOptions options, ApplicationData data) =>
        data.HasPan && data.HasExpiry
        && (!options.RequireSequenceNumber || data.Psn.HasValue)
        && (!options.RequestCryptogram || data.Cdol1 is not null || data.HasCryptogram);

    /// <summary>EMV Book 3 6.5.8.4: format 1 (80: AIP then AFL) or format 2 (77: TLV with 82 and 94).</summary>
    internal static string? ReadProcessingOptions(ReadOnlySpan<byte> answer, ApplicationData data, out AflEntry[] afl)
    {
        afl = [];
        var error = TlvTree.ReadTemplate(answer, out var template);
        if (error != TlvError.None) return $"TLV {error}";
        ReadOnlySpan<byte> aflBytes;
        if (template.Tag == 0x80)
        {
            if (template.Value.Length < 2) return "format 1 answer shorter than the AIP";
            aflBytes = template.Value[2..];
        }
        else if (template.Tag == 0x77)
        {
            if (!TryFindTopLevel(template.Value, 0x82, out var aip) || aip.Length != 2) return "format 2 answer without a 2-byte AIP (82)";
            aflBytes = TryFindTopLevel(template.Value, 0x94, out var found) ? found : default;
            var problem = data.Absorb(template.Value);
            if (problem is not null) return problem;
        }
        else
        {
            return "answer is neither format 1 (80) nor format 2 (77)";
        }
        return Afl.TryParse(aflBytes, out afl) ? null : "malformed AFL (94)";
    }

    internal static bool TryFindTopLevel(ReadOnlySpan<byte> data, uint tag, out ReadOnlySpan<byte> value)
    {
        var reader = new TlvReader(data);
        while (reader.TryRead(out var element))
        {
            if (element.Tag != tag) continue;
            value = element.Value;
            return true;
        }
        value = default;
        return false;
    }

    private static string Describe(TlvError error, uint tag, uint expected) =>
        error != TlvError.None ? $"TLV {error}" : $"template {tag:X2} instead of {expected:X2}";

    /// <summary>Application labels are ans (EMV Book 3 Annex A); anything unprintable is dropped so it cannot reach a log.</summary>
    private static string? Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7F) text.Append((char)b);
        }
        var label = text.ToString().Trim();
        return label.Length == 0 ? null : label;
    }

    /// <summary>How one application's read ended.</summary>
    internal readonly record struct Attempt(CardIdentity? Identity, bool Terminal, ReadStop Stop)
    {
        public static Attempt Identified(CardIdentity identity) => new(identity, false, default);

        public static Attempt Unavailable(string detail) =>
            new(null, false, ReadStop.NotSupported(CardReadReason.NoSupportedApplication, detail));

        public static Attempt Malformed(string detail) => new(null, false, ReadStop.Malformed(detail));

        /// <summary>The card stopped answering: no other application can be tried.</summary>
        public static Attempt Stopped(ReadStop stop) => new(null, true, stop);

        public CardReadResult Result => Identity is not null
            ? new CardReadResult { Outcome = CardReadOutcome.Identified, Identity = Identity }
            : Stop.ToResult();
    }
}
