using GitOps.Core.Collections;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.Controller;
using GitOps.Reconciler.ReadModels;
using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.Reconciler.Tests.ReadModels;

/// <summary>
/// A store written by gitops before Marten (its <c>gitops.events</c> table, read models of earlier shapes) is imported
/// at the first start: history, status and what a rollback reads come out as they were.
/// </summary>
public sealed class LegacyStoreImportTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    private const string Commit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";

    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task OpenAsync_StoreWrittenBeforeMarten_HistoryStatusAndConfigStreamsAreKept()
    {
        var ct = CancellationToken.None;
        Guid commitId = Guid.CreateVersion7(), renderId = Guid.CreateVersion7(), appliedId = Guid.CreateVersion7();
        await using (var connection = await database.OpenConnectionAsync(ct))
        {
            var legacy = new LegacyStore(connection);
            await legacy.CreateAsync(ct);
            await legacy.AppendAsync(StreamNames.Desired, new DesiredStateObserved { Commit = Commit, Author = "Ann", Message = "add web" }, Start, commitId, actor: "controller", commit: Commit, cancellationToken: ct);
            await legacy.AppendAsync(
                StreamNames.Config("lb1"),
                new ConfigRendered { Host = "lb1", Version = 1, Sha256 = new string('a', 64), Text = "# v1\n", Commit = Commit, Causes = ValueList.Create(commitId) },
                Start.AddSeconds(1),
                renderId,
                actor: "controller",
                commit: Commit,
                causationId: commitId,
                cancellationToken: ct);
            await legacy.AppendAsync(
                StreamNames.Applied("lb1"),
                new ConfigApplied { Host = "lb1", Version = 1, Method = ApplyMethod.Reload, Duration = TimeSpan.FromMilliseconds(40), Sha256 = new string('a', 64), Commit = Commit },
                Start.AddSeconds(2),
                appliedId,
                actor: "agent@lb1",
                cancellationToken: ct);
            await legacy.CheckpointAtHeadAsync(new ControllerOptions { Repository = "/unused" }.CheckpointName, ct);
            // A read model table of the first shape, which the import's set-up retires.
            await using var old = new NpgsqlCommand("CREATE TABLE gitops.rm_history (host text NOT NULL, version bigint NOT NULL, causes uuid[] NOT NULL, PRIMARY KEY (host, version));", connection);
            await old.ExecuteNonQueryAsync(ct);
        }

        await using var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString });

        var entry = Assert.Single(await new ReadModelQueries(store).HistoryAsync("lb1", 10, ct));
        Assert.Equal((renderId, 1L, Start.AddSeconds(1), "applied", "reload"), (entry.EventId, entry.Version, entry.At, entry.Result, entry.Method));
        Assert.Equal("commit 1a2b3c4d5e6f \"add web\" by Ann", Assert.Single(entry.Causes).Description);
        var host = Assert.Single((await new ReadModelQueries(store).StatusAsync(ct)).Hosts);
        Assert.Equal(("lb1", 1L, 1L), (host.Host, host.DesiredVersion, host.AppliedVersion));

        var rendered = Assert.Single(await store.ReadStreamAsync(StreamNames.Config("lb1"), cancellationToken: ct).ToListAsync(ct));
        Assert.Equal((renderId, 1L, "# v1\n", "controller", Commit, (Guid?)commitId), (rendered.EventId, rendered.Version, ((ConfigRendered)rendered.Data).Text, rendered.Metadata.Actor, rendered.Metadata.Commit, rendered.Metadata.CausationId));
        Assert.Equal(Start.AddSeconds(1), rendered.Timestamp);
        var head = await store.HeadAsync(ct);
        Assert.Equal(head, await store.ReadCheckpointAsync(new ControllerOptions { Repository = "/unused" }.CheckpointName, ct));
        Assert.Equal("retired", await ScalarAsync("SELECT CASE WHEN to_regclass('gitops.rm_history') IS NULL AND to_regclass('gitops.events') IS NULL AND to_regclass('gitops.events_v1') IS NOT NULL THEN 'retired' ELSE 'left' END"));

        // A second start imports nothing again.
        await using (var again = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString }))
        {
            Assert.Equal(head, await again.HeadAsync(ct));
        }
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
