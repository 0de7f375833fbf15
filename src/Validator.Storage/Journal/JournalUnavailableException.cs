namespace Validator.Storage.Journal;

/// <summary>The journal could not durably take or give taps; <see cref="Fault"/> says why.</summary>
public sealed class JournalUnavailableException : IOException
{
    /// <summary>Creates the exception for <paramref name="fault"/>.</summary>
    public JournalUnavailableException(JournalFault fault, string message, Exception? innerException = null)
        : base(message, innerException) => Fault = fault;

    /// <summary>Creates the exception with a message only (a <see cref="JournalFault.WriteFailed"/>).</summary>
    public JournalUnavailableException(string message) : this(JournalFault.WriteFailed, message) { }

    /// <summary>Creates the exception with a message and cause (a <see cref="JournalFault.WriteFailed"/>).</summary>
    public JournalUnavailableException(string message, Exception innerException)
        : this(JournalFault.WriteFailed, message, innerException) { }

    /// <summary>Creates the exception with the default message (a <see cref="JournalFault.WriteFailed"/>).</summary>
    public JournalUnavailableException() : this(JournalFault.WriteFailed, "The tap journal is unavailable.") { }

    /// <summary>Why the journal is unavailable.</summary>
    public JournalFault Fault { get; }
}
