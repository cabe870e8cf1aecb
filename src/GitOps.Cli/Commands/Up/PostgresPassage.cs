using GitOps.Cli.Store;
using GitOps.EventStore.Local;
using GitOps.Processes;

namespace GitOps.Cli.Commands.Up;

/// <summary>
/// As root, the private PostgreSQL runs as user postgres, which must be able to walk down to <c>&lt;data-dir&gt;/postgres</c>.
/// A data directory of mode 700 (what mkdir makes under umask 077) stops it, and initdb would fail with a bare
/// "Permission denied": the way is opened here when that is safe, else one line names the directory and the fix.
/// </summary>
internal static class PostgresPassage
{
    private const UnixFileMode GroupRights = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;

    /// <summary>
    /// Makes sure user postgres can enter <paramref name="dataDirectory"/> (which exists). When the data directory itself
    /// stops it, holds only what gitops keeps there and gives its group no rights, its group becomes postgres with search
    /// permission only (g=x): nobody else gains anything, and postgres can read nothing it does not hold already, since the
    /// event store it runs keeps every desired state and rendered configuration.
    /// </summary>
    /// <returns>What was changed, as a notice; null when nothing needed to change.</returns>
    /// <exception cref="CommandInputException">A directory stops user postgres and is not one to change.</exception>
    public static async Task<string?> OpenAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows() || await PostgresTools.FirstDirectoryClosedToServiceUserAsync(dataDirectory, cancellationToken).ConfigureAwait(false) is not { } closed)
        {
            return null;
        }

        var user = PostgresTools.ServiceUser;
        var mode = File.GetUnixFileMode(closed);
        var ours = closed == dataDirectory && (mode & GroupRights) == 0 && HoldsOnlyOwnEntries(dataDirectory);
        if (ours)
        {
            await ProcessRunner.RunCheckedAsync("chgrp", [user, dataDirectory], cancellationToken: cancellationToken).ConfigureAwait(false);
            File.SetUnixFileMode(dataDirectory, mode | UnixFileMode.GroupExecute);
            if (await PostgresTools.FirstDirectoryClosedToServiceUserAsync(dataDirectory, cancellationToken).ConfigureAwait(false) is not { } stillClosed)
            {
                return $"the data directory was closed to user {user}, which runs the private PostgreSQL: its group is now {user}, " +
                       $"with search permission only (mode {Octal(mode | UnixFileMode.GroupExecute)})";
            }

            closed = stillClosed;
            mode = File.GetUnixFileMode(closed);
        }

        var where = closed == dataDirectory ? $"the data directory {closed}" : $"{closed} (on the way to the data directory {dataDirectory})";
        throw new CommandInputException(
            $"the private PostgreSQL runs as user {user}, which cannot enter {where}, mode {Octal(mode)}: allow it with `chmod o+x {closed}` " +
            $"(or `setfacl -m u:{user}:x {closed}`), give `up` a --data-dir it can reach such as /var/lib/gitops, or name a store with --store or $GITOPS_STORE");
    }

    private static bool HoldsOnlyOwnEntries(string dataDirectory) =>
        Directory.EnumerateFileSystemEntries(dataDirectory).All(entry => DataDirectory.OwnEntries.Contains(Path.GetFileName(entry)));

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(3, '0');
}
