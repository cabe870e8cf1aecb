namespace GitOps.EventStore.Errors;

/// <summary>The connection string is malformed, or names a database, user or password the server refuses.</summary>
public sealed class EventStoreConfigurationException(string message, Exception? innerException = null)
    : EventStoreException(message, innerException);
