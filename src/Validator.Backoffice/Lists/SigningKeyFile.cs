using System.Security.Cryptography;

namespace Validator.Backoffice.Lists;

/// <summary>Loads the list signing key from a PEM file, creating a new P-256 key there (mode 0600) on first start.</summary>
internal static class SigningKeyFile
{
    public static ECDsa LoadOrCreate(string path)
    {
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256) throw new InvalidOperationException($"The signing key in {path} is not ECDSA P-256.");
            return key;
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(path, options)) writer.Write(key.ExportPkcs8PrivateKeyPem());
        return key;
    }
}
