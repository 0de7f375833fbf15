namespace Validator.Core.Lists;

/// <summary>
/// The snapshot taps are decided on now. Readers take <see cref="Current"/> once per tap without locking;
/// writers build a complete new snapshot and swap the reference, so no tap sees half an update.
/// </summary>
public sealed class LiveLists
{
    private readonly Lock _writers = new();
    private ListSnapshot _current;

    /// <summary>Starts with <paramref name="initial"/>, or with no lists loaded.</summary>
    public LiveLists(ListSnapshot? initial = null) => _current = initial ?? ListSnapshot.Empty;

    /// <summary>The snapshot in force; take it once and decide the whole tap on it.</summary>
    public ListSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Replaces the snapshot with <paramref name="change"/> applied to the current one; writers take turns.</summary>
    public ListSnapshot Update(Func<ListSnapshot, ListSnapshot> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_writers)
        {
            var next = change(_current) ?? throw new InvalidOperationException("A list update returned no snapshot.");
            Volatile.Write(ref _current, next);
            return next;
        }
    }
}
