namespace GitOps.Testing.Postgres;

/// <summary>Finds the server binaries of the newest PostgreSQL installed from Debian's packages.</summary>
internal static class PostgresBinaries
{
    private const string Root = "/usr/lib/postgresql";

    /// <summary>The bin directory holding initdb and pg_ctl.</summary>
    /// <exception cref="InvalidOperationException">No PostgreSQL server is installed.</exception>
    public static string FindBinDirectory()
    {
        var candidates = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(d => (Directory: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(c => c.Version >= 0 && File.Exists(Path.Combine(c.Directory, "bin", "initdb")) && File.Exists(Path.Combine(c.Directory, "bin", "pg_ctl")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL server binaries (initdb, pg_ctl) found under {Root}/<version>/bin. Run deploy/setup.sh to install the postgresql package.");
        }

        return Path.Combine(candidates[0].Directory, "bin");
    }
}
