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
                .Where(c => c.Version >= 0 && HoldsServerPrograms(Path.Combine(c.Directory, "bin")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        if (candidates.Count == 0)
        {
            throw new PostgresNotInstalledException(
                $"No PostgreSQL server binaries (initdb, pg_ctl) found under {root}/<version>/bin; run deploy/setup.sh to install the postgresql package, " +
                "point --postgres-bin at the directory holding them, or pass --store with a connection string.");
        }

        return Path.Combine(candidates[0].Directory, "bin");
    }

    /// <summary><paramref name="directory"/>, made absolute, when it holds initdb and pg_ctl.</summary>
    /// <exception cref="PostgresNotInstalledException">It does not.</exception>
    public static string RequireBinDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        return HoldsServerPrograms(full)
            ? full
            : throw new PostgresNotInstalledException(
                $"No PostgreSQL server binaries (initdb, pg_ctl) in {full} (--postgres-bin); install the postgresql package (deploy/setup.sh), " +
                "point --postgres-bin at the directory holding them, or pass --store with a connection string.");
    }

    private static bool HoldsServerPrograms(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));
}
