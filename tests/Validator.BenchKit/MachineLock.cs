namespace Validator.BenchKit;

/// <summary>
/// The machine-wide lock on pcscd (/tmp/validator-pcscd-tests.lock, an exclusive flock through FileShare.None, as the
/// test fixture takes it), held for a whole bench so tests and other benches wait instead of sharing the one pcscd.
/// </summary>
public sealed class MachineLock : IDisposable
{
    /// <summary>The lock file every pcscd user on the machine takes.</summary>
    public const string Path = "/tmp/validator-pcscd-tests.lock";

    private readonly FileStream _file;

    private MachineLock(FileStream file) => _file = file;

    /// <summary>Waits up to <paramref name="timeout"/> for the lock; throws <see cref="TimeoutException"/> after.</summary>
    public static MachineLock Take(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var told = false;
        while (true)
        {
            try
            {
                return new MachineLock(new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!told) Console.WriteLine($"waiting for {Path}: another process uses pcscd");
                told = true;
                // Polling a lock file: there is no event to wait on; the holder's lock goes when it ends.
                Thread.Sleep(TimeSpan.FromMilliseconds(200));
            }
            catch (IOException ex)
            {
                throw new TimeoutException($"{Path} was held by another process for {timeout.TotalMinutes:F0} min", ex);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
