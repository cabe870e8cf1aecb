namespace GitOps.Testing;

/// <summary>An exclusive lock between test processes, held as an open lock file (FileShare.None takes an flock on Linux).</summary>
internal static class FileLock
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Waits up to <paramref name="timeout"/> for the lock; dispose the result to release it.</summary>
    /// <exception cref="TimeoutException">Another process held the lock for the whole <paramref name="timeout"/>.</exception>
    public static async Task<IDisposable> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException ex)
            {
                if (TimeProvider.System.GetElapsedTime(started) >= timeout)
                {
                    throw new TimeoutException($"Lock file '{path}' stayed locked by another process for {timeout.TotalSeconds:0} s: {ex.Message}", ex);
                }
            }

            await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
        }
    }
}
