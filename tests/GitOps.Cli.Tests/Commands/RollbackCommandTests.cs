using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Testing.Postgres;
using Xunit;

namespace GitOps.Cli.Tests.Commands;

/// <summary><c>gitops rollback</c> and the pinned state of <c>gitops status</c> against a real store.</summary>
public sealed class RollbackCommandTests(PostgresFixture database) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const string Commit = "3333333333333333333333333333333333333333";

    public async Task InitializeAsync()
    {
        await using var store = await OpenAsync();
        foreach (var version in new long[] { 1, 2 })
        {
            await store.AppendAsync(StreamNames.Config("lb1"), ExpectedVersion.Any, new NewEvent(new ConfigRendered { Host = "lb1", Version = version, Sha256 = new string((char)('a' + version), 64), Text = $"# v{version}\n", Commit = Commit }), CancellationToken.None);
        }

        await store.AppendAsync(StreamNames.Applied("lb1"), ExpectedVersion.Any, new NewEvent(new ConfigApplied { Host = "lb1", Version = 2, Method = ApplyMethod.Reload, Duration = TimeSpan.FromMilliseconds(5) }), CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Rollback_VersionNeverRendered_ExitsTwoNamingTheVersions()
    {
        var result = await CliRunner.RunAsync("rollback", "--store", database.ConnectionString, "--host", "lb1", "--to", "9");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("gitops: error: host 'lb1' has no configuration v9: its rendered versions are v1 to v2 (see `gitops history --host lb1`)", result.Error.Trim());
    }

    [Fact]
    public async Task Rollback_HostNeverRendered_ExitsTwo()
    {
        var result = await CliRunner.RunAsync("rollback", "--store", database.ConnectionString, "--host", "lb9", "--to", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("gitops: error: no configuration was ever rendered for host 'lb9'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_Applied_StatusShowsThePin()
    {
        var result = await CliRunner.RunAsync("rollback", "--store", database.ConnectionString, "--host", "lb1", "--to", "1", "--actor", "ann", "--wait", "0ms");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Rollback of lb1 to v1 (commit 333333333333) requested by ann: request ", result.Output, StringComparison.Ordinal);
        await using var store = await OpenAsync();
        RecordedEvent? request = null;
        await foreach (var recorded in store.ReadStreamAsync(StreamNames.Operator, ReadDirection.Backwards, maxCount: 1))
        {
            request = recorded;
        }

        Assert.NotNull(request);
        Assert.Equal(new RollbackRequested { Host = "lb1", ToVersion = 1, Actor = "ann" }, request.Data);
        Assert.Equal("ann", request.Metadata.Actor);

        // What the agent records once it applied the request.
        await store.AppendAsync(StreamNames.Applied("lb1"), ExpectedVersion.Any, new NewEvent(new ConfigApplied { Host = "lb1", Version = 1, Method = ApplyMethod.Runtime, Duration = TimeSpan.FromMilliseconds(2), Pinned = true, RollbackRequestId = request.EventId }), CancellationToken.None);
        var status = await CliRunner.RunAsync("status", "--store", database.ConnectionString);

        Assert.Matches(@"^lb1\s+2\s+1\s+pinned \(rollback to v1 by ann\)\s+-$", status.OutputLines.Single(l => l.StartsWith("lb1", StringComparison.Ordinal)));
    }

    private Task<MartenEventStore> OpenAsync() => ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString });
}
