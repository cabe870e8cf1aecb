using System.Globalization;
using GitOps.EndToEnd.Tests.Support;
using GitOps.EventStore.Local;
using GitOps.Testing.Cli;
using GitOps.Testing.Git;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.EndToEnd.Tests;

/// <summary>
/// The store on a primary with a streaming replica (two real PostgreSQL servers, the replica made with
/// <c>pg_basebackup</c>), one connection string naming both: the primary is stopped and the replica promoted while
/// <c>gitops controller</c> and <c>gitops agent</c> run. Neither is restarted; the next commit is served, and the
/// history holds every version.
/// </summary>
public sealed class StorePrimaryFailoverTests
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PrimaryStoppedReplicaPromoted_ControllerAndAgentGoOnWithoutRestart()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await using var primary = await PostgresCluster.StartNewAsync(cts.Token);
        await primary.CreateDatabaseAsync("store", cts.Token);
        await using var replica = await primary.StartReplicaAsync(cts.Token);
        var store = primary.ConnectionStringWith(replica, "store");

        await using var directory = new UpDirectory();
        await using var repo = await GitRepoBuilder.CreateAsync();
        await using var one = new LoopbackHttpServer("before-failover");
        await using var two = new LoopbackHttpServer("after-failover");
        var port = LoopbackPorts.GetFree();
        await repo.WriteFile("services/site.yaml", ServiceYaml.Static("site", port, one.Port)).CommitAsync("site on the first server");
        string[] common = ["--store", store, "--runtime-dir", directory.RunDirectory];
        await using var controller = GitOpsProcess.Start(["controller", "--repo", repo.WorkTree, "--bind", "127.0.0.1", .. common]);
        await using var agent = GitOpsProcess.Start(["agent", "--host", "local", "--data-dir", Path.Combine(directory.Root, "agent"), "--stop-haproxy-on-exit", "--docker", "none", .. common]);
        string Transcripts() => controller.Transcript() + agent.Transcript();
        await Eventually.ServedAsync(port, "before-failover", Converge, Transcripts);

        // A clean stop sends the replica all of the primary's WAL; then the replica is promoted.
        await primary.StopAsync(PostgresStopMode.Fast, cts.Token);
        await replica.PromoteAsync(cts.Token);

        await repo.WriteFile("services/site.yaml", ServiceYaml.Static("site", port, two.Port)).CommitAsync("site on the second server");
        await Eventually.ServedAsync(port, "after-failover", Converge, Transcripts);
        var history = await Eventually.UntilAsync(
            async () => (await GitOpsProcess.RunAsync("history", "--host", "local", "--store", store)).StandardOutput is var text
                        && text.Contains("site on the second server", StringComparison.Ordinal)
                        && text.Contains("site on the first server", StringComparison.Ordinal) ? text : null,
            Converge,
            Transcripts);
        Assert.Contains("applied", history, StringComparison.Ordinal);
        Assert.False(controller.HasExited || agent.HasExited, Transcripts());

        Assert.Equal(0, await agent.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await controller.InterruptAsync(TimeSpan.FromSeconds(30)));
    }
}
