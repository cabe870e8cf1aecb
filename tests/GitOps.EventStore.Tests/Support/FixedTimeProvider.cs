namespace GitOps.EventStore.Tests.Support;

/// <summary>A clock that always reads the same instant, for asserting recorded timestamps.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
