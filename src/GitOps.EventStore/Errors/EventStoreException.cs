namespace GitOps.EventStore.Errors;

/// <summary>The base of every error the event store reports; <see cref="Exception.Message"/> is one line the CLI can print.</summary>
public class EventStoreException : Exception
{
    public EventStoreException(string message)
        : base(message)
    {
    }

    public EventStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public EventStoreException()
    {
    }
}
