namespace GitOps.EventStore.Errors;

/// <summary>The database could not be reached (down, restarting, network) even after retries.</summary>
public sealed class EventStoreUnavailableException(string message, Exception? innerException)
    : EventStoreException(message, innerException);
