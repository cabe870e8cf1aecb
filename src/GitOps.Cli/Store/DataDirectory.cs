using GitOps.Core.Text;

namespace GitOps.Cli.Store;

/// <summary>Where <c>gitops up</c> and <c>gitops agent</c> keep their state when <c>--data-dir</c> is not given, and its layout.</summary>
internal static class DataDirectory
{
    /// <summary>The environment variable naming the data directory, before the XDG default.</summary>
    public const string Variable = "GITOPS_DATA_DIR";

    /// <summary><c>$GITOPS_DATA_DIR</c>, else <c>$XDG_DATA_HOME/gitops</c>, else <c>~/.local/share/gitops</c>.</summary>
    public static string Default()
    {
        var explicitDirectory = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(explicitDirectory))
        {
            return Path.GetFullPath(explicitDirectory);
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome) || !Path.IsPathRooted(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(dataHome, "gitops");
    }

    /// <summary>The given directory made absolute, else <see cref="Default"/>.</summary>
    public static string Resolve(string? given) => string.IsNullOrWhiteSpace(given) ? Default() : Path.GetFullPath(given);

    /// <summary>
    /// An agent's own files (HAProxy's config and its last applied copy) under a data directory:
    /// <c>&lt;data-dir&gt;/hosts/&lt;host&gt;</c>, the same for <c>gitops up</c> and <c>gitops agent</c>, so either adopts what the other left.
    /// </summary>
    public static string HostDirectory(string dataDirectory, string host) => Path.Combine(dataDirectory, HostsName, host);

    /// <summary>What gitops keeps directly in a data directory: the private store, the agents' files, HAProxy's sockets, up's lock.</summary>
    public static IReadOnlySet<string> OwnEntries { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        GitOps.EventStore.Local.LocalPostgres.DirectoryName, HostsName, RunName, Commands.Up.DataDirectoryLock.FileName,
    };

    /// <summary>
    /// HAProxy's runtime directory for <c>gitops up</c>: <c>&lt;data-dir&gt;/run</c>, unless that would make its socket paths
    /// longer than a unix socket address holds (107 bytes); then a directory in the temp folder named after the data directory.
    /// </summary>
    public static string RuntimeDirectory(string dataDirectory)
    {
        var run = Path.Combine(dataDirectory, RunName);
        if (System.Text.Encoding.UTF8.GetByteCount(Path.Combine(run, "master.sock")) <= MaxSocketPath)
        {
            return run;
        }

        var digest = ContentHash.Sha256Hex(dataDirectory)[..12];
        return Path.Combine(Path.GetTempPath(), "gitops-run-" + digest);
    }

    private const string HostsName = "hosts";

    private const string RunName = "run";

    /// <summary>The longest socket path <c>sockaddr_un</c> holds on Linux (108 bytes with the terminating NUL).</summary>
    private const int MaxSocketPath = 107;
}
