using GitOps.Core.Collections;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.ReadModels;
using GitOps.Testing.Postgres;
using Npgsql;
using Xunit;

namespace GitOps.Reconciler.Tests.ReadModels;

/// <summary>A store whose read models an earlier gitops built gets its history rebuilt from the first event.</summary>
public sealed class ControllerReadModelUpgradeTests(PostgresFixture database) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task HistoryAsync_ReadModelOfTheFirstShape_IsRebuiltWithReadableCauses()
    {
        var ct = CancellationToken.None;
        await using var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = database.ConnectionString });
        var commit = new NewEvent(new DesiredStateObserved { Commit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", Author = "Ann", Message = "add web" });
        await store.AppendAsync(StreamNames.Desired, ExpectedVersion.Any, commit, ct);
        await store.AppendAsync(
            StreamNames.Config("lb1"),
            ExpectedVersion.Any,
            new NewEvent(new ConfigRendered { Host = "lb1", Version = 1, Sha256 = new string('a', 64), Text = "# v1\n", Commit = "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", Causes = ValueList.Create(commit.EventId) }),
            ct);
        // What the first shape left behind: its history table, and its checkpoint past every event.
        await ExecuteAsync(
            """
            CREATE TABLE gitops.rm_history (host text NOT NULL, version bigint NOT NULL, causes uuid[] NOT NULL, PRIMARY KEY (host, version));
            INSERT INTO gitops.checkpoints (name, transaction_id, position) SELECT 'controller-read-models', max(transaction_id), max(position) FROM gitops.events;
            """);

        var entry = Assert.Single(await new ReadModelQueries(store).HistoryAsync("lb1", 10, ct));

        Assert.Equal("commit 1a2b3c4d5e6f \"add web\" by Ann", Assert.Single(entry.Causes).Description);
        Assert.Equal(
            "retired",
            await ExecuteAsync("SELECT CASE WHEN to_regclass('gitops.rm_history') IS NULL AND NOT EXISTS (SELECT 1 FROM gitops.checkpoints WHERE name = 'controller-read-models') THEN 'retired' ELSE 'left' END"));
    }

    private async Task<object?> ExecuteAsync(string sql)
    {
        await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
