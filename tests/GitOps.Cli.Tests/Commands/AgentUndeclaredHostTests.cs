using System.Text.Json;
using GitOps.Core.Collections;
using GitOps.Core.Desired;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.Cli.Tests.Commands;

/// <summary>
/// <c>gitops agent</c> for a host gitops.yaml does not declare: it warns at start naming the declared hosts, warns again when a
/// new commit still does not declare it, and <c>gitops status</c> shows the host as undeclared. Real commands, real store.
/// </summary>
public sealed class AgentUndeclaredHostTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string First = "4444444444444444444444444444444444444444";
    private const string Second = "5555555555555555555555555555555555555555";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Agent_HostNotDeclared_WarnsAtStartAndAtEachNewCommitAndStatusShowsIt()
    {
        await using var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString });
        await store.AppendAsync(StreamNames.Desired, ExpectedVersion.Any, new NewEvent(Observed(First, "lb1", "lb2")), CancellationToken.None);
        using var directory = new TempDirectory();
        using var output = new LiveWriter();
        using var error = new LiveWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        string[] arguments = ["agent", "--host", "lb9", "--store", database.ConnectionString, "--data-dir", directory.Path, "--runtime-dir", Path.Combine(directory.Path, "run"), "--docker", "none"];
        var agent = Task.Run(() => CliApp.RunAsync(arguments, output, error, stop.Token));
        try
        {
            await error.WaitForLinesAsync("does not declare this host", 1, Wait);
            Assert.Equal(
                "WRN GitOps.Reconciler.Agent.AgentHost: Agent for host lb9: gitops.yaml at commit 444444444444 does not declare this host (it declares lb1, lb2), " +
                "so nothing will be rendered for it: start the agent with --host set to one of those, or add the host to gitops.yaml",
                Assert.Single(error.LinesWith("does not declare this host"))[13..]);

            var status = await CliRunner.RunAsync("status", "--store", database.ConnectionString);
            Assert.Equal(0, status.ExitCode);
            Assert.Contains(status.OutputLines, l => l.StartsWith("lb9", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["lb9", "0", "-", "undeclared", "-"]);
            Assert.Contains(
                "    not declared in gitops.yaml (the commit in force declares lb1, lb2), so nothing is rendered for it: add it to the hosts of gitops.yaml, " +
                "or run its agent with --host set to a declared host",
                status.OutputLines);
            var json = await CliRunner.RunAsync("status", "--store", database.ConnectionString, "--format", "json");
            using (var document = JsonDocument.Parse(json.Output))
            {
                var host = document.RootElement.GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("host").GetString() == "lb9");
                Assert.Equal("undeclared", host.GetProperty("state").GetString());
                Assert.Equal(["lb1", "lb2"], document.RootElement.GetProperty("inForce").GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));
            }

            await store.AppendAsync(StreamNames.Desired, ExpectedVersion.Any, new NewEvent(Observed(Second, "lb1")), CancellationToken.None);

            await error.WaitForLinesAsync("does not declare this host", 2, Wait);
            Assert.EndsWith(
                "gitops.yaml at commit 555555555555 does not declare this host (it declares lb1), so nothing will be rendered for it: " +
                "start the agent with --host set to one of those, or add the host to gitops.yaml",
                error.LinesWith("does not declare this host")[1]);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await agent);
        }

        // One warning per commit: the first commit was not warned about again when the subscription caught up.
        Assert.Single(error.LinesWith("at commit 444444444444"));
    }

    private static DesiredStateObserved Observed(string commit, params string[] hosts) => new()
    {
        Commit = commit,
        Author = "Ann",
        Message = "hosts " + string.Join(", ", hosts),
        Branch = "main",
        Files = ValueList.Create(new RepositoryFile("gitops.yaml", "apiVersion: gitops/v1\nkind: Settings\nhosts:\n" + string.Concat(hosts.Select(h => $"  - name: {h}\n")))),
    };
}
