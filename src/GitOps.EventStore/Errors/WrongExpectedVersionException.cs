namespace GitOps.EventStore.Errors;

/// <summary>An append expected the stream at one version and found it at another (another writer won the race).</summary>
public sealed class WrongExpectedVersionException : EventStoreException
{
    public WrongExpectedVersionException(string stream, ExpectedVersion expected, long actual, Exception? innerException = null)
        : base($"Stream '{stream}' is at version {actual}, but the append expected {expected}; read the stream again and retry.", innerException)
    {
        Stream = stream;
        Expected = expected;
        Actual = actual;
    }

    public string Stream { get; }

    public ExpectedVersion Expected { get; }

    /// <summary>The stream's version when the conflict was detected (0: no events).</summary>
    public long Actual { get; }
}
