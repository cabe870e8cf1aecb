namespace GitOps.Cli.Commands.Up;

/// <summary>
/// One <c>gitops up</c> per data directory: an exclusive lock on <c>&lt;data-dir&gt;/up.lock</c>, held while it runs and
/// released by the kernel when the process ends however it ends, so a killed <c>up</c> never blocks the next one.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    /// <summary>The lock file's name in the data directory.</summary>
    public const string FileName = "up.lock";

    private readonly FileStream stream;

    private DataDirectoryLock(FileStream stream)
    {
        this.stream = stream;
    }

    /// <exception cref="CommandInputException">Another process holds the lock.</exception>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            // FileShare.None takes an advisory flock on Unix: a second `up` (or this one killed and restarted) finds it free only once the holder is gone.
            return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new CommandInputException($"another `gitops up` runs with data directory {dataDirectory}; stop it first, or give this one another --data-dir");
        }
    }

    public void Dispose() => stream.Dispose();
}
