using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Validator.Daemon.Cli;

/// <summary>
/// The configuration file as <c>validator provision</c> edits it: read as a JSON tree (comments allowed, as the
/// configuration loader allows them), keys set section by section, and written back atomically.
/// </summary>
internal static class ProvisionConfigFile
{
    // Relaxed escaping keeps a PEM readable ("+" rather than "\u002B"); the file is read by a JSON parser, never put in HTML.
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The file's tree; an empty one when the file does not exist yet.</summary>
    public static JsonObject Read(string path)
    {
        if (!File.Exists(path)) return [];
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            return node as JsonObject ?? throw new ConfigurationException($"{path} does not hold a JSON object; fix or remove it");
        }
        catch (JsonException ex)
        {
            throw new ConfigurationException($"{path} is not valid JSON ({ex.Message}); fix it first, nothing was written", ex);
        }
    }

    /// <summary>The string at <paramref name="section"/>:<paramref name="key"/>, or null.</summary>
    public static string? Get(JsonObject root, string section, string key) =>
        root[section] is JsonObject s && s[key] is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

    public static void Set(JsonObject root, string section, string key, string value)
    {
        if (root[section] is not JsonObject s)
        {
            s = [];
            root[section] = s;
        }
        s[key] = value;
    }

    public static void Remove(JsonObject root, string section, string key)
    {
        if (root[section] is JsonObject s) s.Remove(key);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/>, mode 0600 from its first byte: a temporary file
    /// next to it is written and synced, renamed over the old one, and the directory synced, so a power cut leaves the
    /// old file or the new one. When root writes it and the service account exists, the file is given to that account
    /// (the service runs as 'validator' and must read it; nobody else may).
    /// </summary>
    public static void WriteSecret(string path, byte[] content)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Provisioning writes POSIX file modes.");
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions
                   {
                       Mode = FileMode.CreateNew,
                       Access = FileAccess.Write,
                       Share = FileShare.None,
                       UnixCreateMode = OwnerOnly,
                   }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, OwnerOnly); // the umask cannot widen 0600, but a leftover file could be wider
            GiveToServiceAccount(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        SyncDirectory(directory);
    }

    private static void GiveToServiceAccount(string path)
    {
        if (Native.geteuid() != 0) return;
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == "validator"
                && uint.TryParse(fields[2], System.Globalization.CultureInfo.InvariantCulture, out var uid)
                && uint.TryParse(fields[3], System.Globalization.CultureInfo.InvariantCulture, out var gid))
            {
                if (Native.chown(System.Text.Encoding.UTF8.GetBytes(path + "\0"), uid, gid) != 0)
                    throw new IOException($"chown {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
                return;
            }
        }
    }

    private static void SyncDirectory(string directory)
    {
        var fd = Native.open(System.Text.Encoding.UTF8.GetBytes(directory + "\0"), 0);
        if (fd < 0) return; // the rename is done; only its durability across a power cut is not confirmed
        _ = Native.fsync(fd);
        _ = Native.close(fd);
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int open(byte[] nulTerminatedPath, int flags);

        [DllImport("libc", SetLastError = true)]
        internal static extern int fsync(int fd);

        [DllImport("libc", SetLastError = true)]
        internal static extern int close(int fd);

        [DllImport("libc")]
        internal static extern uint geteuid();

        [DllImport("libc", SetLastError = true)]
        internal static extern int chown(byte[] nulTerminatedPath, uint owner, uint group);
    }
}
