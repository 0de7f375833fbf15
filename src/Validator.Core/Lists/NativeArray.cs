using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Validator.Core.Lists;

/// <summary>
/// A fixed-size array outside the GC heap for the deny list's million-row blocks. On Linux it is an anonymous mapping of
/// its own, unmapped by the finalizer once unreachable, so the kernel gets the pages back at once. The same 28 MB as a
/// large-object array stays committed after a background collection frees it (measured: three lists' worth of RSS in
/// steady state after repeated updates), and only a blocking compacting collection, which stalls taps, returns it.
/// Elsewhere (a developer's Windows machine) it is a plain array.
/// </summary>
internal sealed class NativeArray<T>
    where T : unmanaged
{
    private static readonly bool Mappable = OperatingSystem.IsLinux();
    private readonly T[]? _array;
    private readonly nint _address;
    private nuint _mappedBytes;

    private NativeArray(int length, T[]? array, nint address, nuint mappedBytes)
    {
        Length = length;
        _array = array;
        _address = address;
        _mappedBytes = mappedBytes;
    }

    ~NativeArray()
    {
        if (_mappedBytes != 0) _ = NativeMethods.munmap(_address, _mappedBytes);
    }

    /// <summary>No elements.</summary>
    public static NativeArray<T> Empty { get; } = new(0, [], 0, 0);

    /// <summary>Elements in use.</summary>
    public int Length { get; private set; }

    /// <summary>The elements. Valid only while this object is reachable: callers keep it alive (GC.KeepAlive) until done.</summary>
    public Span<T> Span => _array is not null
        ? _array.AsSpan(0, Length)
        : MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref Unsafe.AddByteOffset(ref Unsafe.NullRef<byte>(), _address)), Length);

    /// <summary>Zeroed memory for <paramref name="length"/> elements.</summary>
    public static NativeArray<T> Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0) return Empty;
        if (!Mappable) return new NativeArray<T>(length, new T[length], 0, 0);
        var bytes = (nuint)length * (nuint)Unsafe.SizeOf<T>();
        var address = NativeMethods.mmap(0, bytes, NativeMethods.ProtRead | NativeMethods.ProtWrite, NativeMethods.MapPrivate | NativeMethods.MapAnonymous, -1, 0);
        if (address == NativeMethods.MapFailed) throw new InsufficientMemoryException($"Could not map {bytes} bytes for the deny list (errno {Marshal.GetLastPInvokeError()}).");
        return new NativeArray<T>(length, null, address, bytes);
    }

    /// <summary>Keeps the first <paramref name="length"/> elements; whole pages past them go back to the kernel. Only before the array is shared.</summary>
    public void Shrink(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        Length = length;
        if (_mappedBytes == 0) return;
        var page = (nuint)Environment.SystemPageSize;
        var keep = Math.Max(page, ((nuint)length * (nuint)Unsafe.SizeOf<T>() + page - 1) / page * page); // at least one page stays mapped, for the finalizer
        if (keep < _mappedBytes && NativeMethods.munmap(_address + (nint)keep, _mappedBytes - keep) == 0) _mappedBytes = keep;
    }
}

/// <summary>The two libc calls <see cref="NativeArray{T}"/> maps its memory with.</summary>
internal static class NativeMethods
{
    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int MapPrivate = 0x02;
    public const int MapAnonymous = 0x20;
    public static readonly nint MapFailed = -1;

    [DllImport("libc", SetLastError = true)]
    public static extern nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    public static extern int munmap(nint addr, nuint length);
}
