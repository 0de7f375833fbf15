using System.Text;

namespace Validator.Storage.Lists;

/// <summary>Recognises a LiteDB 5 data file by its header page without opening it.</summary>
internal static class LiteDbHeader
{
    // LiteDB 5 HeaderPage: the text at offset 32, the file format version (8) right after it.
    private const int InfoOffset = 32;
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("** This is a LiteDB file **");
    private const byte FileVersion = 8;

    /// <summary>Null when the file is missing, empty (LiteDB will create it) or starts like a LiteDB 5 file; otherwise what is wrong.</summary>
    public static string? Check(string path)
    {
        if (!File.Exists(path)) return null;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length == 0) return null;
        var head = new byte[InfoOffset + Info.Length + 1];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read < head.Length || !head.AsSpan(InfoOffset, Info.Length).SequenceEqual(Info))
        {
            return $"it is not a LiteDB file ({stream.Length} bytes without the LiteDB header)";
        }
        return head[^1] == FileVersion ? null : $"it is a LiteDB file of format version {head[^1]}, not {FileVersion}";
    }
}
