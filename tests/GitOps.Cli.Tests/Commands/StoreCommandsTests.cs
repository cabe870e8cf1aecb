using System.Text.Json;
using GitOps.Core.Collections;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.Cli.Tests.Commands;

/// <summary>
/// <c>gitops status</c> (and <c>gitops history</c>'s store errors) through the real command tree against a real store, filled
/// with the events the controller and the agents write: two commits (one rejected), two renders of lb1 (the
/// first applied by reload, the second failed), one render of lb2 applied at runtime.
/// </summary>
public sealed class StoreCommandsTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string Good = "1111111111111111111111111111111111111111";
    private const string Bad = "2222222222222222222222222222222222222222";
    private static readonly Guid Cause = Guid.Parse("0190a1b2-0000-7000-8000-000000000001");

    public async Task InitializeAsync()
    {
        await using var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString });
        var ct = CancellationToken.None;
        await store.AppendAsync(StreamNames.Desired, ExpectedVersion.Any, new NewEvent(new DesiredStateObserved { Commit = Good, Author = "Ann", Message = "add web\n\nbody", Branch = "main" }) { EventId = Cause }, ct);
        await store.AppendAsync(StreamNames.Desired, ExpectedVersion.Any, new NewEvent(new DesiredStateRejected { Commit = Bad, Author = "Bob", Message = "break web", Branch = "main", Errors = ValueList.Create("services/web.yaml:5:17: error GITOPS010: port '70000' is out of range") }), ct);
        await store.AppendAsync(StreamNames.Config("lb1"), ExpectedVersion.Any, new NewEvent(Rendered("lb1", 1)), ct);
        await store.AppendAsync(StreamNames.Config("lb2"), ExpectedVersion.Any, new NewEvent(Rendered("lb2", 1)), ct);
        await store.AppendAsync(StreamNames.Applied("lb1"), ExpectedVersion.Any, new NewEvent(new ConfigApplied { Host = "lb1", Version = 1, Method = ApplyMethod.Reload, Duration = TimeSpan.FromMilliseconds(120) }), ct);
        await store.AppendAsync(StreamNames.Applied("lb2"), ExpectedVersion.Any, new NewEvent(new ConfigApplied { Host = "lb2", Version = 1, Method = ApplyMethod.Runtime, Duration = TimeSpan.FromMilliseconds(3) }), ct);
        await store.AppendAsync(StreamNames.Config("lb1"), ExpectedVersion.Any, new NewEvent(Rendered("lb1", 2)), ct);
        await store.AppendAsync(StreamNames.Applied("lb1"), ExpectedVersion.Any, new NewEvent(new ApplyFailed { Host = "lb1", Version = 2, Error = "reload failed: bind :8080: address in use", KeptVersion = 1 }), ct);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Status_Text_ShowsRejectedCommitAndEachHostsState()
    {
        var result = await CliRunner.RunAsync("status", "--store", database.ConnectionString);

        Assert.Equal(0, result.ExitCode);
        var lines = result.OutputLines;
        Assert.StartsWith("Latest commit: 222222222222 on main by Bob \"break web\"", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(": REJECTED (1 errors)", lines[0], StringComparison.Ordinal);
        Assert.Equal("  services/web.yaml:5:17: error GITOPS010: port '70000' is out of range", lines[1]);
        Assert.StartsWith("In force:      111111111111 on main by Ann \"add web\"", lines[2], StringComparison.Ordinal);
        Assert.Matches(@"^lb1\s+2\s+1\s+failed\s+\S+ \S+ reload failed: bind :8080: address in use$", lines.Single(l => l.StartsWith("lb1", StringComparison.Ordinal)));
        Assert.Matches(@"^lb2\s+1\s+1\s+converged\s+-$", lines.Single(l => l.StartsWith("lb2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Status_Json_HasLatestCommitAndHosts()
    {
        var result = await CliRunner.RunAsync("status", "--store", database.ConnectionString, "--format", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.True(root.GetProperty("latestCommit").GetProperty("rejected").GetBoolean());
        Assert.Equal(Bad, root.GetProperty("latestCommit").GetProperty("commit").GetString());
        Assert.Equal(Good, root.GetProperty("inForce").GetProperty("commit").GetString());
        var hosts = root.GetProperty("hosts").EnumerateArray().ToDictionary(h => h.GetProperty("host").GetString()!);
        Assert.Equal("failed", hosts["lb1"].GetProperty("state").GetString());
        Assert.Equal(1, hosts["lb1"].GetProperty("appliedVersion").GetInt64());
        Assert.Equal("converged", hosts["lb2"].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Status_DataDirWithoutRunningStore_SaysSoInOneLine()
    {
        var directory = Directory.CreateTempSubdirectory("gitops-no-store-");
        try
        {
            var result = await CliRunner.RunAsync("status", "--data-dir", directory.FullName);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal($"gitops: error: no event store: the private store in {directory.FullName} (--data-dir) is not running; start it with `gitops up --data-dir {directory.FullName}`, or name a store with --store or $GITOPS_STORE", result.Error.Trim());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task History_UnreachableStore_ExitsTwoInOneLine()
    {
        var result = await CliRunner.RunAsync("history", "--store", "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2", "--log-level", "Fatal");

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith("gitops: error: ", result.Error, StringComparison.Ordinal);
    }

    private static ConfigRendered Rendered(string host, long version) => new()
    {
        Host = host,
        Version = version,
        Sha256 = new string((char)('a' + version), 64),
        Text = $"# {host} v{version}\n",
        Commit = Good,
        Causes = ValueList.Create(Cause),
    };
}
