using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Validator.Storage.Journal;

/// <summary>
/// The two syncs the journal's promise rests on: file data to the device (fdatasync: the data and the
/// size, not the timestamps) and a directory, so a new or renamed file's name survives power loss.
/// </summary>
internal static class Durability
{
    /// <summary>Returns once the file's data is on stable storage.</summary>
    public static void FlushData(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
            throw new PlatformNotSupportedException("The tap journal needs a POSIX system to sync its files.");

        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            var fd = (int)file.DangerousGetHandle();
            var result = OperatingSystem.IsLinux() ? Native.fdatasync(fd) : Native.fsync(fd);
            if (result != 0) throw Error("fdatasync");
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    /// <summary>Returns once the directory's entries (created, renamed, deleted files) are on stable storage.</summary>
    public static void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
            throw new PlatformNotSupportedException("The tap journal needs a POSIX system to sync its files.");

        // O_RDONLY without O_DIRECTORY: the flag's value differs between x64 and arm64, and a plain
        // read-only open of a directory is allowed anyway.
        var fd = Native.open(System.Text.Encoding.UTF8.GetBytes(directory + "\0"), 0);
        if (fd < 0) throw Error("open directory");
        try
        {
            if (Native.fsync(fd) != 0) throw Error("fsync directory");
        }
        finally
        {
            _ = Native.close(fd);
        }
    }

    /// <summary>True when <paramref name="exception"/> says the disk (or the user's disk quota) is full.</summary>
    public static bool IsDiskFull(IOException exception)
    {
        const int Enospc = 28, Edquot = 122, WinDiskFull = unchecked((int)0x80070070), WinHandleDiskFull = unchecked((int)0x80070027);
        return exception.HResult is Enospc or Edquot or WinDiskFull or WinHandleDiskFull
            || exception.InnerException is IOException inner && IsDiskFull(inner);
    }

    private static IOException Error(string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        // HResult carries the errno like .NET's own IOExceptions on Unix, so IsDiskFull works for both.
        return new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int fdatasync(int fd);

        [DllImport("libc", SetLastError = true)]
        internal static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        internal static extern int open(byte[] nulTerminatedPath, int flags);

        [DllImport("libc", SetLastError = true)]
        internal static extern int close(int fd);
    }
}
