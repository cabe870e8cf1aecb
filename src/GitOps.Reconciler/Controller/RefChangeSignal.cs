namespace GitOps.Reconciler.Controller;

/// <summary>
/// Wakes the Git watcher when a local repository's refs may have moved: file-system events on the git
/// directory's <c>HEAD</c>, <c>packed-refs</c> and <c>refs/</c>, or <see cref="Wake"/> (a forge's push webhook, for a
/// remote repository). Waiting also ends after the poll interval, the fallback for file systems that report nothing
/// (network mounts, some containers) and for remotes without a webhook.
/// </summary>
internal sealed class RefChangeSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);
    private readonly List<FileSystemWatcher> watchers = [];

    private RefChangeSignal()
    {
    }

    /// <summary>Watches <paramref name="gitDirectory"/>, or nothing (polling only) when it is null.</summary>
    public static RefChangeSignal Create(string? gitDirectory)
    {
        var result = new RefChangeSignal();
        if (gitDirectory is null)
        {
            return result;
        }

        try
        {
            result.Watch(gitDirectory, recursive: false);
            var refs = Path.Combine(gitDirectory, "refs");
            if (Directory.Exists(refs))
            {
                result.Watch(refs, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Out of inotify watches or an unsupported file system: polling still finds every move.
        }

        return result;
    }

    public bool IsWatching => watchers.Count > 0;

    /// <summary>Waits for a change or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        foreach (var watcher in watchers)
        {
            watcher.Dispose();
        }

        signal.Dispose();
    }

    private void Watch(string directory, bool recursive)
    {
        var watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = recursive,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.DirectoryName,
        };
        watcher.Changed += (_, _) => Wake();
        watcher.Created += (_, _) => Wake();
        watcher.Renamed += (_, _) => Wake();
        watcher.Deleted += (_, _) => Wake();
        watcher.EnableRaisingEvents = true;
        watchers.Add(watcher);
    }

    /// <summary>Ends the current (or next) wait at once; several wakes before it count as one.</summary>
    public void Wake()
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or shutting down: either way nothing more to wake.
        }
    }
}
