using GitOps.EventStore.Errors;

namespace GitOps.EventStore.Local;

/// <summary>A local PostgreSQL server could not be initialized, started or stopped.</summary>
public sealed class LocalPostgresException(string message, string details, Exception? innerException = null)
    : EventStoreException(message, innerException)
{
    /// <summary>The tool's output and the tail of the server log, for a verbose report.</summary>
    public string Details { get; } = details;
}
