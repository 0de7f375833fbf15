using LiteDB;
using Validator.Storage.Lists;

namespace Validator.Fares.Tests.Storage;

/// <summary>Looks into the store file behind a <see cref="StoredLists"/> (which holds it open in direct mode) by closing and reopening it read-only.</summary>
internal static class LiteDbListStoreProbe
{
    /// <summary>Closes <paramref name="lists"/> and opens its file as a plain store for inspection.</summary>
    public static LiteDbListStore Reopen(StoredLists lists)
    {
        var path = lists.StorePath;
        lists.Dispose();
        return LiteDbListStore.Open(path);
    }

    public static IReadOnlyList<string> CollectionNames(LiteDbListStore store)
    {
        var path = store.StorePath;
        store.Dispose();
        using var db = new LiteDatabase($"Filename={path};Connection=direct");
        return db.GetCollectionNames().ToList();
    }
}
