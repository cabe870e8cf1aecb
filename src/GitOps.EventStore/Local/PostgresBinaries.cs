namespace GitOps.EventStore.Local;

/// <summary>Finds the server binaries of the newest PostgreSQL installed from Debian's packages.</summary>
public static class PostgresBinaries
{
    private const string Root = "/usr/lib/postgresql";

    /// <summary>The bin directory holding initdb and pg_ctl.</summary>
    /// <exception cref="PostgresNotInstalledException">No PostgreSQL server is installed.</exception>
    public static string FindBinDirectory() => FindBinDirectory(Root);

    /// <summary>The bin directory of the newest <c>&lt;root&gt;/&lt;version&gt;/bin</c> holding initdb and pg_ctl.</summary>
    internal static string FindBinDirectory(string root)
    {
        var candidates = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => (Directory: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(c => c.Version >= 0 && File.Exists(Path.Combine(c.Directory, "bin", "initdb")) && File.Exists(Path.Combine(c.Directory, "bin", "pg_ctl")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        if (candidates.Count == 0)
        {
            throw new PostgresNotInstalledException(
                $"No PostgreSQL server binaries (initdb, pg_ctl) found under {root}/<version>/bin; run deploy/setup.sh to install the postgresql package, or pass --store with a connection string.");
        }

        return Path.Combine(candidates[0].Directory, "bin");
    }
}
