namespace GitOps.HAProxy.Runtime;

/// <summary>HAProxy could not start because it cannot listen where its configuration says; the message says which port, whose, and what to do.</summary>
public sealed class ListenerConflictException(ListenerConflict conflict, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public ListenerConflict Conflict { get; } = conflict;
}
