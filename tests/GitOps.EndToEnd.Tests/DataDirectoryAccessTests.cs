using System.Runtime.Versioning;
using GitOps.EndToEnd.Tests.Support;
using GitOps.Testing.Cli;
using GitOps.Testing.Git;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using Xunit;

namespace GitOps.EndToEnd.Tests;

/// <summary>
/// <c>gitops up</c> as root, whose private PostgreSQL runs as user postgres: a data directory of mode 700 that holds only
/// gitops's files is opened to that user (group postgres, search only) and everything starts; one that holds other files,
/// or a closed directory above it, is refused in one line naming the directory and the fix. The built gitops as a process.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryAccessTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Up_DataDirectoryOfMode700_OpensItToUserPostgresAndServes()
    {
        RequireRoot();
        await using var directory = new UpDirectory();
        File.SetUnixFileMode(Directory.CreateDirectory(directory.Data).FullName, OwnerOnly);
        await using var repo = await GitRepoBuilder.CreateAsync();
        await using var backend = new LoopbackHttpServer("behind-a-700-data-directory");
        var port = LoopbackPorts.GetFree();
        await repo.WriteFile("services/web.yaml", ServiceYaml.Static("web", port, backend.Port)).CommitAsync("web");

        await using var up = GitOpsProcess.Start("up", "--repo", repo.WorkTree, "--data-dir", directory.Data, "--bind", "127.0.0.1", "--docker", "none");

        await up.WaitForOutputAsync("Serving host 'local'", Start);
        await Eventually.ServedAsync(port, "behind-a-700-data-directory", TimeSpan.FromSeconds(30), up.Transcript);
        Assert.Contains(
            "notice: the data directory was closed to user postgres, which runs the private PostgreSQL: its group is now postgres, with search permission only (mode 710)\n",
            up.Output,
            StringComparison.Ordinal);
        Assert.Equal(OwnerOnly | UnixFileMode.GroupExecute, File.GetUnixFileMode(directory.Data));
        Assert.Equal(0, await up.InterruptAsync(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain("Permission denied", up.Output + up.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_DataDirectoryOfMode700HoldingOtherFiles_LeftAsItIsAndOneLineNamesTheFix()
    {
        RequireRoot();
        await using var directory = new UpDirectory();
        File.SetUnixFileMode(Directory.CreateDirectory(directory.Data).FullName, OwnerOnly);
        await File.WriteAllTextAsync(Path.Combine(directory.Data, "notes.txt"), "not gitops's");
        await using var repo = await GitRepoBuilder.CreateAsync();
        await repo.WriteFile("services/web.yaml", ServiceYaml.Static("web", LoopbackPorts.GetFree(), 9)).CommitAsync("web");

        var result = await GitOpsProcess.RunAsync("up", "--repo", repo.WorkTree, "--data-dir", directory.Data, "--docker", "none");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            $"gitops: error: the private PostgreSQL runs as user postgres, which cannot enter the data directory {directory.Data}, mode 700: " +
            $"allow it with `chmod o+x {directory.Data}` (or `setfacl -m u:postgres:x {directory.Data}`), give `up` a --data-dir it can reach such as /var/lib/gitops, " +
            "or name a store with --store or $GITOPS_STORE\n",
            result.StandardError);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(directory.Data));
    }

    [Fact]
    public async Task Up_ClosedDirectoryAboveTheDataDirectory_LeftAsItIsAndOneLineNamesIt()
    {
        RequireRoot();
        await using var directory = new UpDirectory();
        var closed = Directory.CreateDirectory(Path.Combine(directory.Root, "closed")).FullName;
        File.SetUnixFileMode(closed, OwnerOnly);
        var data = Path.Combine(closed, "data");
        await using var repo = await GitRepoBuilder.CreateAsync();
        await repo.WriteFile("services/web.yaml", ServiceYaml.Static("web", LoopbackPorts.GetFree(), 9)).CommitAsync("web");

        var result = await GitOpsProcess.RunAsync("up", "--repo", repo.WorkTree, "--data-dir", data, "--docker", "none");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            $"gitops: error: the private PostgreSQL runs as user postgres, which cannot enter {closed} (on the way to the data directory {data}), mode 700: " +
            $"allow it with `chmod o+x {closed}` (or `setfacl -m u:postgres:x {closed}`), give `up` a --data-dir it can reach such as /var/lib/gitops, " +
            "or name a store with --store or $GITOPS_STORE\n",
            result.StandardError);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(closed));
    }

    private static void RequireRoot() =>
        Assert.True(
            Environment.IsPrivilegedProcess,
            "These scenarios are `gitops up` as root, whose private PostgreSQL then runs as user postgres; run the tests as root (deploy/test.sh does).");
}
