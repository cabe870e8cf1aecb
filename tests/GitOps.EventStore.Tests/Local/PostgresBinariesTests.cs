using GitOps.EventStore.Local;
using Xunit;

namespace GitOps.EventStore.Tests.Local;

public sealed class PostgresBinariesTests
{
    [Fact]
    public void FindBinDirectory_NoServerInstalled_NamesSetupScript()
    {
        var root = Path.Combine(Path.GetTempPath(), "no-postgres-" + Guid.NewGuid().ToString("N"));

        var ex = Assert.Throws<PostgresNotInstalledException>(() => PostgresBinaries.FindBinDirectory(root));

        Assert.Equal(
            $"No PostgreSQL server binaries (initdb, pg_ctl) found under {root}/<version>/bin; run deploy/setup.sh to install the postgresql package, " +
            "point --postgres-bin at the directory holding them, or pass --store with a connection string.",
            ex.Message);
    }

    [Fact]
    public void FindBinDirectory_DebianPackage_FindsInitdb()
    {
        Assert.True(File.Exists(Path.Combine(PostgresBinaries.FindBinDirectory(), "initdb")));
    }
}
