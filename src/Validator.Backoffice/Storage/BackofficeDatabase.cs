using LiteDB;

namespace Validator.Backoffice.Storage;

/// <summary>
/// The back office's one LiteDB file and the lock its writers take turns on. LiteDB 5.0.21 never fsyncs a commit
/// (upstream issue #2818), and an acknowledged tap must survive a power cut, so <see cref="Write{T}"/> fsyncs the
/// database and its log file after each commit before the answer goes out.
/// </summary>
internal sealed class BackofficeDatabase : IDisposable
{
    private readonly Lock _writers = new();
    private readonly string _path;
    private readonly string _logPath;

    public BackofficeDatabase(string path)
    {
        _path = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(_path);
        if (directory is not null) Directory.CreateDirectory(directory);
        _logPath = Path.Combine(directory ?? ".", Path.GetFileNameWithoutExtension(_path) + "-log" + Path.GetExtension(_path));
        Db = new LiteDatabase(new ConnectionString { Filename = _path, Connection = ConnectionType.Direct });
    }

    public LiteDatabase Db { get; }

    /// <summary>
    /// Creates the collection now if it does not exist. Every store creates its collections when it is built, before
    /// the first request: LiteDB 5.0.21 can fail a read that runs while another transaction creates a collection
    /// ("page type must be collection page", upstream issue #2792), and that failure closes the engine for every
    /// request after it. An index on _id alone does not create the collection, so a row is put in and taken out
    /// again in one transaction. Call it before the back office serves (the stores do, when built).
    /// </summary>
    public void EnsureCollection(string name)
    {
        if (Db.CollectionExists(name)) return;
        Write(db =>
        {
            var collection = db.GetCollection(name);
            collection.Insert(new BsonDocument { ["_id"] = "created" });
            return collection.Delete("created");
        });
    }

    /// <summary>Runs <paramref name="change"/> in one transaction, alone, and returns once it is on disk.</summary>
    public T Write<T>(Func<LiteDatabase, T> change)
    {
        lock (_writers)
        {
            if (!Db.BeginTrans()) throw new InvalidOperationException("A back office transaction is already open on this thread.");
            T result;
            try
            {
                result = change(Db);
                Db.Commit();
            }
            catch
            {
                Db.Rollback();
                throw;
            }
            Flush(_logPath);
            Flush(_path);
            return result;
        }
    }

    public void Dispose() => Db.Dispose();

    private static void Flush(string path)
    {
        if (!File.Exists(path)) return;
        // fsync flushes the file's dirty pages whichever descriptor wrote them, so a second handle is enough.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
        stream.Flush(flushToDisk: true);
    }
}
