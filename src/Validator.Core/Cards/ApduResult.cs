namespace Validator.Core.Cards;

/// <summary>The outcome of one exchange: the card's response, or the fault that prevented one.</summary>
public readonly struct ApduResult
{
    private ApduResult(ApduResponse? response, CardFault fault, string? detail)
    {
        Response = response;
        Fault = fault;
        Detail = detail;
    }

    /// <summary>The response; null when <see cref="Fault"/> is set.</summary>
    public ApduResponse? Response { get; }

    /// <summary>What went wrong, or <see cref="CardFault.None"/>.</summary>
    public CardFault Fault { get; }

    /// <summary>A short technical explanation of the fault (e.g. the SCARD code name). Never card data.</summary>
    public string? Detail { get; }

    /// <summary>True when the card answered (whatever the status word).</summary>
    public bool Answered => Fault == CardFault.None;

    /// <summary>A result carrying the card's answer.</summary>
    public static ApduResult Ok(ApduResponse response) =>
        new(response ?? throw new ArgumentNullException(nameof(response)), CardFault.None, null);

    /// <summary>A result carrying a fault.</summary>
    public static ApduResult Failed(CardFault fault, string? detail = null)
    {
        if (fault == CardFault.None) throw new ArgumentException("A failed result needs a fault.", nameof(fault));
        return new(null, fault, detail);
    }

    /// <summary>Gets the response when the card answered.</summary>
    public bool TryGetResponse(out ApduResponse response)
    {
        response = Response!;
        return Response is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Answered ? Response!.ToString() : $"{Fault}: {Detail}";
}
