namespace GitOps.EventStore;

/// <summary>Which way a stream is read.</summary>
public enum ReadDirection
{
    Forwards,
    Backwards,
}
