namespace GitOps.Git;

/// <summary>
/// An exclusive lock file next to a mirror, so two gitops processes never clone or fetch the same
/// mirror at once (git would fail one of them on its own ref locks).
/// </summary>
internal sealed class MirrorLock : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly FileStream _file;

    private MirrorLock(FileStream file)
    {
        _file = file;
    }

    /// <exception cref="GitCommandException">Another process held the lock for longer than <paramref name="timeout"/> of <paramref name="timeProvider"/>'s time.</exception>
    public static async Task<MirrorLock> AcquireAsync(string path, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock on Unix; it is released with the handle.
                return new MirrorLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (timeProvider.GetElapsedTime(started) < timeout)
            {
                await Task.Delay(RetryDelay, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new GitCommandException($"the mirror lock '{path}' is held by another process", ex);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
