using GitOps.EndToEnd.Tests.Support;
using GitOps.Testing.Cli;
using GitOps.Testing.Git;
using GitOps.Testing.Http;
using GitOps.Testing.Network;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.EndToEnd.Tests;

/// <summary>
/// <c>gitops controller</c> and two <c>gitops agent</c> processes (hosts lb1 and lb2, their HAProxies on their own ports and
/// runtime directories) against one shared store: each host converges to its own configuration.
/// </summary>
public sealed class MultiHostScenarioTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task ControllerAndTwoAgents_OneStore_EachHostConvergesToItsOwnConfig()
    {
        await using var directory = new UpDirectory();
        await using var repo = await GitRepoBuilder.CreateAsync();
        await using var one = new LoopbackHttpServer("served-by-lb1");
        await using var two = new LoopbackHttpServer("served-by-lb2");
        var ports = LoopbackPorts.GetFree(2);
        await repo.WriteFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts:\n  - name: lb1\n  - name: lb2\n")
            .WriteFile("services/a.yaml", ServiceYaml.Static("a", ports[0], one.Port, host: "lb1"))
            .WriteFile("services/b.yaml", ServiceYaml.Static("b", ports[1], two.Port, host: "lb2"))
            .CommitAsync("two hosts");
        var runtime = Path.Combine(directory.Root, "{host}");
        string[] common = ["--store", database.ConnectionString, "--runtime-dir", runtime];
        await using var controller = GitOpsProcess.Start(["controller", "--repo", repo.WorkTree, "--bind", "127.0.0.1", .. common]);
        string[] noDocker = ["--docker", "none"];
        await using var lb1 = GitOpsProcess.Start(["agent", "--host", "lb1", "--data-dir", Path.Combine(directory.Root, "a1"), "--stop-haproxy-on-exit", .. noDocker, .. common]);
        await using var lb2 = GitOpsProcess.Start(["agent", "--host", "lb2", "--data-dir", Path.Combine(directory.Root, "a2"), "--stop-haproxy-on-exit", .. noDocker, .. common]);
        string Transcripts() => controller.Transcript() + lb1.Transcript() + lb2.Transcript();

        await Eventually.ServedAsync(ports[0], "served-by-lb1", Converge, Transcripts);
        await Eventually.ServedAsync(ports[1], "served-by-lb2", Converge, Transcripts);
        var lb1Config = await File.ReadAllTextAsync(Path.Combine(directory.Root, "a1", "hosts", "lb1", "haproxy", "haproxy.cfg"));
        var lb2Config = await File.ReadAllTextAsync(Path.Combine(directory.Root, "a2", "hosts", "lb2", "haproxy", "haproxy.cfg"));
        Assert.Contains("backend a", lb1Config, StringComparison.Ordinal);
        Assert.DoesNotContain("backend b", lb1Config, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(directory.Root, "lb1", "admin.sock"), lb1Config, StringComparison.Ordinal);
        Assert.Contains("backend b", lb2Config, StringComparison.Ordinal);
        Assert.DoesNotContain("backend a", lb2Config, StringComparison.Ordinal);

        // A commit touching lb2 only: lb2 moves on, lb1 keeps its version.
        await repo.WriteFile("services/b.yaml", ServiceYaml.Static("b", ports[1], one.Port, host: "lb2")).CommitAsync("b to the first server");
        await Eventually.ServedAsync(ports[1], "served-by-lb1", Converge, Transcripts);
        var status = await Eventually.UntilAsync(
            async () => (await GitOpsProcess.RunAsync("status", "--store", database.ConnectionString)).StandardOutput is var text
                        && System.Text.RegularExpressions.Regex.IsMatch(text, @"\nlb1\s+1\s+1\s+converged")
                        && System.Text.RegularExpressions.Regex.IsMatch(text, @"\nlb2\s+2\s+2\s+converged") ? text : null,
            Converge,
            Transcripts);
        Assert.Contains("\"b to the first server\"", status, StringComparison.Ordinal);

        Assert.Equal(0, await lb1.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await lb2.InterruptAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await controller.InterruptAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<HttpRequestException>(() => LoopbackHttpClient.GetStringAsync(ports[0]));
    }
}
