using System.Runtime.InteropServices;

namespace Validator.Pcsc.Interop;

/// <summary>
/// libpcsclite entry points. On Linux the PC/SC DWORD and LONG are C unsigned long / long:
/// 64-bit on arm64 and x64, 32-bit on armhf, hence CULong/CLong; SCARDCONTEXT and SCARDHANDLE are LONG, hence nint.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Library = "libpcsclite.so.1";

    [LibraryImport(Library)]
    internal static partial CLong SCardEstablishContext(CULong dwScope, nint pvReserved1, nint pvReserved2, out nint phContext);

    [LibraryImport(Library)]
    internal static partial CLong SCardReleaseContext(nint hContext);

    [LibraryImport(Library)]
    internal static partial CLong SCardIsValidContext(nint hContext);

    [LibraryImport(Library)]
    internal static partial CLong SCardListReaders(nint hContext, byte* mszGroups, byte* mszReaders, CULong* pcchReaders);

    [LibraryImport(Library)]
    internal static partial CLong SCardGetStatusChange(nint hContext, CULong dwTimeout, ScardReaderState* rgReaderStates, CULong cReaders);

    [LibraryImport(Library)]
    internal static partial CLong SCardCancel(nint hContext);

    [LibraryImport(Library)]
    internal static partial CLong SCardConnect(nint hContext, byte* szReader, CULong dwShareMode, CULong dwPreferredProtocols, out nint phCard, out CULong pdwActiveProtocol);

    [LibraryImport(Library)]
    internal static partial CLong SCardDisconnect(nint hCard, CULong dwDisposition);

    [LibraryImport(Library)]
    internal static partial CLong SCardTransmit(nint hCard, ScardIoRequest* pioSendPci, byte* pbSendBuffer, CULong cbSendLength, ScardIoRequest* pioRecvPci, byte* pbRecvBuffer, CULong* pcbRecvLength);

    [LibraryImport(Library)]
    internal static partial CLong SCardGetAttrib(nint hCard, CULong dwAttrId, byte* pbAttr, CULong* pcbAttrLen);

    [LibraryImport(Library)]
    internal static partial CLong SCardStatus(nint hCard, byte* szReaderName, CULong* pcchReaderLen, CULong* pdwState, CULong* pdwProtocol, byte* pbAtr, CULong* pcbAtrLen);
}

/// <summary>SCARD_READERSTATE as pcsc-lite lays it out on Linux: rgbAtr is MAX_ATR_SIZE = 33 bytes (36 on Windows).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ScardReaderState
{
    public const int MaxAtrSize = 33;

    public nint Reader;
    public nint UserData;
    public CULong CurrentState;
    public CULong EventState;
    public CULong AtrLength;
    public fixed byte Atr[MaxAtrSize];
}

/// <summary>SCARD_IO_REQUEST: protocol and the length of this header.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ScardIoRequest
{
    public CULong Protocol;
    public CULong PciLength;
}
