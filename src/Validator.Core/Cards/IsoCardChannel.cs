using System.Security.Cryptography;

namespace Validator.Core.Cards;

/// <summary>
/// A card channel over a raw transport that completes ISO 7816-4 exchanges:
/// 61xx is answered with GET RESPONSE until all data is in, 6Cxx resends the command with Le = xx.
/// </summary>
public sealed class IsoCardChannel : ICardChannel
{
    /// <summary>Largest short response: 256 data bytes and SW1 SW2, with the pcsc-lite buffer margin.</summary>
    private const int ResponseBufferSize = 264;

    /// <summary>A card that keeps answering 61xx or 6Cxx is broken; bound the loop so a bad card cannot hang a tap.</summary>
    private const int MaxFollowUps = 32;

    private readonly ICardTransport _transport;
    private readonly byte[] _buffer = new byte[ResponseBufferSize];

    /// <summary>Creates a channel over <paramref name="transport"/>.</summary>
    public IsoCardChannel(ICardTransport transport)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Atr => _transport.Atr;

    /// <inheritdoc />
    public int ApduCount { get; private set; }

    /// <inheritdoc />
    public ApduResult Transmit(ReadOnlySpan<byte> command)
    {
        if (command.Length < 4)
        {
            throw new ArgumentException("A command APDU has at least the four header bytes CLA INS P1 P2.", nameof(command));
        }

        byte[]? collected = null;
        var current = command.ToArray();
        for (var round = 0; round <= MaxFollowUps; round++)
        {
            var exchanged = Exchange(current);
            if (exchanged.Fault != CardFault.None)
            {
                return ApduResult.Failed(exchanged.Fault, exchanged.Detail);
            }

            var raw = _buffer.AsSpan(0, exchanged.Length);
            var parsed = ApduResponse.TryParse(raw, out var response);
            // Records carry the PAN: the copy in the response is the caller's to clear, this one is ours.
            CryptographicOperations.ZeroMemory(raw);
            if (!parsed)
            {
                return ApduResult.Failed(CardFault.MalformedResponse, $"response of {raw.Length} byte(s) has no status word");
            }

            if (response.Sw1 == 0x61)
            {
                // ISO 7816-4 5.1.3: more data is waiting; fetch it with GET RESPONSE (Le = SW2, 00 means 256).
                collected = Append(collected, response.Data);
                current = [(byte)(command[0] & 0x03), 0xC0, 0x00, 0x00, response.Sw2];
                continue;
            }

            if (response.Sw1 == 0x6C)
            {
                // Wrong Le: the card tells the exact length. After a 61xx it is the GET RESPONSE that needs it;
                // otherwise resend the command itself.
                current = current[1] == 0xC0 && collected is not null ? [current[0], 0xC0, 0x00, 0x00, response.Sw2] : WithLe(command, response.Sw2);
                continue;
            }

            if (collected is null)
            {
                return ApduResult.Ok(response);
            }
            return ApduResult.Ok(new ApduResponse(Append(collected, response.Data), response.Sw1, response.Sw2));
        }

        return ApduResult.Failed(CardFault.MalformedResponse, $"more than {MaxFollowUps} GET RESPONSE/resend rounds");
    }

    private TransportResult Exchange(byte[] command)
    {
        ApduCount++;
        return _transport.Exchange(command, _buffer);
    }

    /// <summary>Joins the parts of a chained answer and zeroes the parts, which may hold card data.</summary>
    private static byte[] Append(byte[]? head, byte[] tail)
    {
        head ??= [];
        var joined = new byte[head.Length + tail.Length];
        head.CopyTo(joined, 0);
        tail.CopyTo(joined, head.Length);
        CryptographicOperations.ZeroMemory(head);
        CryptographicOperations.ZeroMemory(tail);
        return joined;
    }

    /// <summary>Returns the command with its Le field set, for the four short APDU cases of ISO 7816-3 12.1.</summary>
    internal static byte[] WithLe(ReadOnlySpan<byte> command, byte le)
    {
        if (command.Length == 4)
        {
            return [.. command, le]; // case 1 -> case 2
        }
        if (command.Length == 5)
        {
            var case2 = command.ToArray(); // case 2: replace Le
            case2[4] = le;
            return case2;
        }
        var lc = command[4];
        if (command.Length == 5 + lc)
        {
            return [.. command, le]; // case 3 -> case 4
        }
        var case4 = command.ToArray(); // case 4: replace the trailing Le
        case4[^1] = le;
        return case4;
    }
}
