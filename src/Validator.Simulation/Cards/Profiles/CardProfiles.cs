namespace Validator.Simulation.Cards;

/// <summary>
/// A catalogue of virtual cards by name, each buildable with chosen account data (PAN, expiry, PSN) so a demo
/// can issue a card per student. The record layouts follow the recorded cards in shared/testdata/cards.
/// </summary>
public static class CardProfiles
{
    /// <summary>Mastercard test PAN used when none is given.</summary>
    public static CardholderData DefaultMastercard { get; } = new("5555555555554444", "2812", 1);

    /// <summary>Maestro test PAN used when none is given.</summary>
    public static CardholderData DefaultMaestro { get; } = new("6759649826438453", "2709", 0);

    /// <summary>Visa test PAN used when none is given.</summary>
    public static CardholderData DefaultVisa { get; } = new("4111111111111111", "2907", 1);

    /// <summary>girocard test PAN (19 digits, as girocards have) used when none is given.</summary>
    public static CardholderData DefaultGirocard { get; } = new("6725000000000000019", "2712", 2);

    /// <summary>Phone wallet token PAN and PAR used when none is given.</summary>
    public static CardholderData DefaultWallet { get; } = new("5204740000001002", "3005", 0, "5001A9P4WBQ2ZPBXJVUQ4P2V3KFNM");

    /// <summary>The names <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["mastercard", "mastercard-no-ppse", "maestro", "visa", "girocard", "wallet", "uid", "ultralight", "unsupported", "garbage"];

    /// <summary>
    /// Builds the card named <paramref name="name"/> (see <see cref="Names"/>); <paramref name="data"/> sets the account
    /// data of payment cards, <paramref name="uid"/> the UID of UID-only cards.
    /// </summary>
    public static ICardModel Create(string name, CardholderData? data = null, byte[]? uid = null) => name switch
    {
        "mastercard" => Mastercard(data),
        "mastercard-no-ppse" => Mastercard(data, hasPpse: false),
        "maestro" => Maestro(data),
        "visa" => Visa(data),
        "girocard" => Girocard(data),
        "wallet" => PhoneWallet(data),
        "uid" or "mifare" => Mifare(uid),
        "ultralight" => Mifare(uid ?? [0x04, 0x76, 0xBF, 0xE1, 0xBF, 0x02, 0x80], 0x0003),
        "unsupported" => NoSupportedApplication(),
        "garbage" => Garbage(),
        _ => throw new ArgumentException($"No card profile named '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Debit Mastercard (M/Chip): empty PDOL, GPO format 2, mag-stripe data (9F6B) in SFI 1, chip data in SFI 2, certificates in SFI 4.</summary>
    public static EmvCard Mastercard(CardholderData? data = null, bool hasPpse = true)
    {
        var d = (data ?? DefaultMastercard).Validated();
        var application = new EmvApplicationProfile
        {
            Aid = [0xA0, 0x00, 0x00, 0x00, 0x04, 0x10, 0x10],
            Label = "Debit Mastercard",
            GpoFormat = GpoFormat.Format2,
            Aip = [0x19, 0x80],
            Cdol1 = Hex("9F02069F03069F1A0295055F2A029A039C019F37049F35019F45029F4C089F34039F21039F7C14"),
            Records =
            [
                ((1, 1), SimTlv.Join(
                    SimTlv.Tlv(0x9F6C, [0x00, 0x01]),
                    SimTlv.Tlv(0x9F6B, SimTlv.Track2(d.Pan, d.Expiry, "221")),
                    SimTlv.Tlv(0x9F67, [0x02]))),
                ((2, 1), SimTlv.Join(
                    SimTlv.Tlv(0x9F42, [0x09, 0x78]),
                    SimTlv.Tlv(0x5F25, [0x22, 0x03, 0x01]),
                    SimTlv.Tlv(0x5F24, d.ExpiryDate()),
                    SimTlv.Tlv(0x5A, SimTlv.CompressedNumeric(d.Pan)),
                    SimTlv.Tlv(0x5F34, d.PsnBcd()),
                    SimTlv.Tlv(0x8C, Hex("9F02069F03069F1A0295055F2A029A039C019F37049F35019F45029F4C089F34039F21039F7C14")),
                    SimTlv.Tlv(0x57, SimTlv.Track2(d.Pan, d.Expiry, "221")))),
                ((4, 1), SimTlv.Join(SimTlv.Tlv(0x9F47, [0x03]), SimTlv.Tlv(0x9F46, Filler(176, 0x3C)))),
                ((4, 2), SimTlv.Join(SimTlv.Tlv(0x8F, [0x05]), SimTlv.Tlv(0x9F32, [0x03]), SimTlv.Tlv(0x92, Filler(36, 0xAB)))),
            ],
        };
        return new EmvCard([application], ContactlessAtr.Iso14443Part4([0x00, 0x00, 0x00]), hasPpse, uid: [0x02, 0x8E, 0xED, 0xB1, 0x70, 0x74, 0xB0]);
    }

    /// <summary>Maestro answering GET PROCESSING OPTIONS in format 1 (80: AIP and AFL, no tags); PAN, expiry and PSN in SFI 1 record 1.</summary>
    public static EmvCard Maestro(CardholderData? data = null)
    {
        var d = (data ?? DefaultMaestro).Validated();
        var application = new EmvApplicationProfile
        {
            Aid = [0xA0, 0x00, 0x00, 0x00, 0x04, 0x30, 0x60],
            Label = "Maestro",
            GpoFormat = GpoFormat.Format1,
            Aip = [0x19, 0x80],
            Records =
            [
                ((1, 1), SimTlv.Join(
                    SimTlv.Tlv(0x5A, SimTlv.CompressedNumeric(d.Pan)),
                    SimTlv.Tlv(0x5F24, d.ExpiryDate()),
                    SimTlv.Tlv(0x5F34, d.PsnBcd()),
                    SimTlv.Tlv(0x57, SimTlv.Track2(d.Pan, d.Expiry)))),
                ((2, 1), SimTlv.Tlv(0x90, Filler(176, 0x51))),
                ((2, 2), SimTlv.Join(SimTlv.Tlv(0x8F, [0x05]), SimTlv.Tlv(0x9F32, [0x03]))),
            ],
        };
        return new EmvCard([application], ContactlessAtr.Iso14443Part4([0x03, 0x02]));
    }

    /// <summary>Visa Debit (qVSDC): PDOL with TTQ, GPO format 2 carrying track 2 (57) and a cryptogram; 5A/5F34 only in SFI 2 record 3.</summary>
    public static EmvCard Visa(CardholderData? data = null)
    {
        var d = (data ?? DefaultVisa).Validated();
        var application = new EmvApplicationProfile
        {
            Aid = [0xA0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10],
            Label = "Visa Debit",
            Pdol = Hex("9F66049F02069F03069F1A0295055F2A029A039C019F3704"),
            GpoFormat = GpoFormat.Format2,
            Aip = [0x20, 0x20],
            GpoData = SimTlv.Tlv(0x57, SimTlv.Track2(d.Pan, d.Expiry, "221")),
            GpoGeneratesCryptogram = true,
            Records =
            [
                ((2, 1), SimTlv.Tlv(0x90, Filler(248, 0x5A))),
                ((2, 2), SimTlv.Join(SimTlv.Tlv(0x8F, [0x09]), SimTlv.Tlv(0x9F32, [0x03]))),
                ((2, 3), SimTlv.Join(
                    SimTlv.Tlv(0x9F46, Filler(176, 0x2C)),
                    SimTlv.Tlv(0x9F47, [0x03]),
                    SimTlv.Tlv(0x5A, SimTlv.CompressedNumeric(d.Pan)),
                    SimTlv.Tlv(0x5F24, d.ExpiryDate()),
                    SimTlv.Tlv(0x5F34, d.PsnBcd()),
                    SimTlv.Tlv(0x5F28, [0x02, 0x76]))),
            ],
        };
        return new EmvCard([application], ContactlessAtr.Iso14443Part4([0x00, 0x31, 0xC0]), uid: [0x05, 0x85, 0x92, 0x1A, 0xFB, 0x91, 0x00]);
    }

    /// <summary>
    /// girocard with three applications in its PPSE (girocard, girocard EAPS, the ATM application), all priority 1.
    /// <paramref name="firstApplicationRefuses"/> makes the first answer GPO with 6985, so a reader must move to the second.
    /// </summary>
    public static EmvCard Girocard(CardholderData? data = null, bool firstApplicationRefuses = false)
    {
        var d = (data ?? DefaultGirocard).Validated();
        IReadOnlyList<((byte, byte), byte[])> records =
        [
            ((3, 1), SimTlv.Join(SimTlv.Tlv(0x8F, [0x05]), SimTlv.Tlv(0x90, Filler(176, 0x78)))),
            ((1, 5), SimTlv.Join(
                SimTlv.Tlv(0x5F24, d.ExpiryDate()),
                SimTlv.Tlv(0x5A, SimTlv.CompressedNumeric(d.Pan)),
                SimTlv.Tlv(0x5F34, d.PsnBcd()),
                SimTlv.Tlv(0x5F28, [0x02, 0x80]))),
        ];
        EmvApplicationProfile Application(byte[] aid, byte[] pdol, ushort gpoStatus) => new()
        {
            Aid = aid,
            Label = "girocard",
            Pdol = pdol,
            GpoFormat = GpoFormat.Format2,
            Aip = [0x19, 0x80],
            Records = records,
            GpoStatus = gpoStatus,
        };
        return new EmvCard(
        [
            Application(Hex("A00000005945430100"), Hex("9F02069F1D02"), firstApplicationRefuses ? (ushort)0x6985 : (ushort)0x9000),
            Application(Hex("A0000003591010028001"), Hex("9F02069F1D02"), 0x9000),
            Application(Hex("D27600002547410100"), Hex("9F33029F35019F4001"), 0x9000),
        ], ContactlessAtr.Iso14443Part4([0x80, 0x31, 0x80, 0x65, 0xB0]), uid: [0x08, 0x2C, 0x37, 0x6F]);
    }

    /// <summary>A phone wallet token (Mastercard): token PAN, expiry, PSN and the Payment Account Reference (9F24) in one record.</summary>
    public static EmvCard PhoneWallet(CardholderData? data = null)
    {
        var d = (data ?? DefaultWallet).Validated();
        var par = d.Par ?? DefaultWallet.Par!;
        var application = new EmvApplicationProfile
        {
            Aid = [0xA0, 0x00, 0x00, 0x00, 0x04, 0x10, 0x10],
            Label = "Mastercard",
            GpoFormat = GpoFormat.Format2,
            Aip = [0x19, 0x81],
            Records =
            [
                ((1, 1), SimTlv.Join(
                    SimTlv.Tlv(0x57, SimTlv.Track2(d.Pan, d.Expiry)),
                    SimTlv.Tlv(0x5F24, d.ExpiryDate()),
                    SimTlv.Tlv(0x5A, SimTlv.CompressedNumeric(d.Pan)),
                    SimTlv.Tlv(0x5F34, d.PsnBcd()),
                    SimTlv.Tlv(0x9F24, SimTlv.Ascii(par)))),
                ((2, 1), SimTlv.Tlv(0x8C, Hex("9F02069F03069F1A0295055F2A029A039C019F3704"))),
            ],
            Cdol1 = Hex("9F02069F03069F1A0295055F2A029A039C019F3704"),
        };
        return new EmvCard([application], ContactlessAtr.Iso14443Part4([0x80, 0x73, 0xC0, 0x21, 0xC0, 0x57, 0x59, 0x75, 0x62, 0x69, 0x4B, 0x65, 0x79]),
            uid: [0x08, 0x11, 0x22, 0x33]);
    }

    /// <summary>A MIFARE card known only by its UID (default: Classic 1K, 4-byte UID).</summary>
    public static UidCard Mifare(byte[]? uid = null, ushort cardName = 0x0001) =>
        new(uid ?? [0x2C, 0x7F, 0xB2, 0x8F], cardName);

    /// <summary>A payment card whose only application (American Express) this validator does not accept.</summary>
    public static EmvCard NoSupportedApplication() =>
        new([new EmvApplicationProfile { Aid = Hex("A000000025010801"), Label = "AMERICAN EXPRESS" }],
            ContactlessAtr.Iso14443Part4([0x00, 0x31, 0xC0, 0x64, 0x1F, 0x27, 0x01, 0x00, 0x00, 0x90, 0x00]));

    /// <summary>A card that answers every command with random bytes.</summary>
    public static GarbageCard Garbage(int seed = 1) => new(seed);

    /// <summary><paramref name="card"/>, pulled from the field after answering <paramref name="answeredCommands"/> commands.</summary>
    public static InterruptedCard RemovedAfter(ICardModel card, int answeredCommands) => new(card, answeredCommands, Interruption.Removed);

    /// <summary><paramref name="card"/>, silent after answering <paramref name="answeredCommands"/> commands.</summary>
    public static InterruptedCard SilentAfter(ICardModel card, int answeredCommands) => new(card, answeredCommands, Interruption.Silence);

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static byte[] Filler(int length, byte seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = (byte)(seed + 37 * i);
        return bytes;
    }
}
