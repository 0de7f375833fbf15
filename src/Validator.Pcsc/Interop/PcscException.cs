namespace Validator.Pcsc.Interop;

/// <summary>A PC/SC call failed in a way the caller did not expect; carries the SCARD code and its name.</summary>
public sealed class PcscException : Exception
{
    /// <summary>Creates an exception for <paramref name="error"/> raised by <paramref name="function"/>.</summary>
    public PcscException(string function, SCardError error)
        : base($"{function} failed: {SCardErrors.Name(error)} (0x{(uint)error:X8})")
    {
        Function = function;
        Error = error;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public PcscException(string message) : base(message)
    {
        Function = string.Empty;
        Error = SCardError.SCARD_F_UNKNOWN_ERROR;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public PcscException(string message, Exception innerException) : base(message, innerException)
    {
        Function = string.Empty;
        Error = SCardError.SCARD_F_UNKNOWN_ERROR;
    }

    /// <summary>Creates an exception with no detail.</summary>
    public PcscException() : this("PC/SC call failed")
    {
    }

    /// <summary>The PC/SC function that failed, e.g. "SCardConnect".</summary>
    public string Function { get; }

    /// <summary>The code it returned.</summary>
    public SCardError Error { get; }

    /// <summary>The code's C name, e.g. "SCARD_E_NO_SERVICE".</summary>
    public string ErrorName => SCardErrors.Name(Error);
}
