namespace GitOps.Cli.Tests;

/// <summary>A clock that reads whatever the test set last, so the times a store records are known in advance.</summary>
internal sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
