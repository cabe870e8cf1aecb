using GitOps.EndToEnd.Tests.Support;
using GitOps.Testing.Cli;
using GitOps.Testing.Git;
using GitOps.Testing.Network;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.EndToEnd.Tests;

/// <summary>
/// <c>gitops controller</c> while its event store goes away and comes back: routine for an operator, so the log says
/// each thing in one line (leadership lost, waiting for the store) and never prints a stack trace.
/// </summary>
public sealed class StoreOutageLogTests(PrivatePostgresFixture database) : IClassFixture<PrivatePostgresFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Controller_StoreAwayAndBack_LogsOneLineEachAndNoStackTrace()
    {
        await using var directory = new UpDirectory();
        await using var repo = await GitRepoBuilder.CreateAsync();
        await repo.WriteFile("services/site.yaml", ServiceYaml.Static("site", LoopbackPorts.GetFree(), LoopbackPorts.GetFree())).CommitAsync("add site");
        await using var controller = GitOpsProcess.Start("controller", "--repo", repo.WorkTree, "--store", database.ConnectionString, "--runtime-dir", directory.RunDirectory);
        await controller.WaitForLogAsync("Host local rendered as version 1", 1, Wait);

        await database.StopClusterAsync(CancellationToken.None);
        try
        {
            await controller.WaitForLogAsync("Leadership lost", 1, Wait);
            await controller.WaitForLogAsync("Controller leader election", 1, Wait);
        }
        finally
        {
            await database.StartClusterAsync(CancellationToken.None);
        }

        await controller.WaitForLogAsync("Leadership gained", 2, Wait);
        Assert.Equal(0, await controller.InterruptAsync(Wait));
        var stackFrames = controller.Error.Split('\n').Where(line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal)).ToList();
        Assert.True(stackFrames.Count == 0, controller.Transcript());
    }
}
