using GitOps.Testing.Time;
using Xunit;

namespace GitOps.Git.Tests;

/// <summary>The lock beside a mirror, held by a real lock file, waited on by a clock the test steps.</summary>
public sealed class MirrorLockTests : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(50);
    private readonly string directory = Directory.CreateTempSubdirectory("gitops-mirror-lock-").FullName;

    private string LockPath => Path.Combine(directory, "mirror.lock");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task AcquireAsync_HeldElsewhere_RetriesUntilItsClockPassesTheTimeoutThenFails()
    {
        using var held = HoldLock();
        var clock = new SteppedClock();

        var acquiring = MirrorLock.AcquireAsync(LockPath, TimeSpan.FromSeconds(1), clock, CancellationToken.None);

        // One second of its clock in 50 ms retries: it waits 20 times, then gives up at the next attempt.
        for (var retries = 1; retries <= 20; retries++)
        {
            await clock.WaitUntilCreatedAsync(Retry, retries);
            Assert.False(acquiring.IsCompleted, $"gave up after {retries - 1} retries");
            clock.Advance(Retry);
        }

        var error = await Assert.ThrowsAsync<GitCommandException>(() => acquiring);
        Assert.Contains($"the mirror lock '{LockPath}' is held by another process", error.Message, StringComparison.Ordinal);
        Assert.Equal(20, clock.Created(Retry));
    }

    [Fact]
    public async Task AcquireAsync_ReleasedWhileWaiting_TakesTheLockAtTheNextRetry()
    {
        var held = HoldLock();
        var clock = new SteppedClock();
        var acquiring = MirrorLock.AcquireAsync(LockPath, TimeSpan.FromMinutes(5), clock, CancellationToken.None);
        await clock.WaitUntilCreatedAsync(Retry, 1);

        await held.DisposeAsync();
        clock.Advance(Retry);

        using var acquired = await acquiring;
        Assert.Throws<IOException>(HoldLock);
    }

    private FileStream HoldLock() => new(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
}
