using GitOps.Core.Events;
using GitOps.EventStore.ReadModels;
using GitOps.Testing.Postgres;
using Npgsql;

namespace GitOps.EventStore.Tests.Support;

/// <summary>Opens stores on fixture databases with test-friendly timings, and makes numbered events.</summary>
internal static class TestStore
{
    public static EventStoreOptions Options(string connectionString, params IReadOnlyList<SqlReadModel> readModels) => new()
    {
        ConnectionString = connectionString,
        ReadModels = readModels,
        Actor = "test",
        PollInterval = TimeSpan.FromMilliseconds(200),
        RetryAttempts = 8,
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromSeconds(1),
    };

    public static Task<MartenEventStore> OpenAsync(PostgresFixture database, CancellationToken cancellationToken, TimeProvider? timeProvider = null) =>
        MartenEventStore.OpenAsync(Options(database.ConnectionString), timeProvider: timeProvider, cancellationToken: cancellationToken);

    /// <summary>A small real event whose <see cref="DriftCorrected.What"/> carries <paramref name="label"/>.</summary>
    public static NewEvent Numbered(string label) => new(new DriftCorrected { Host = "lb1", What = label });

    public static string Label(RecordedEvent recorded) => recorded.Data switch
    {
        DriftCorrected numbered => numbered.What,
        var other => throw new InvalidOperationException($"Event {recorded.Position} in {recorded.Stream} is not a numbered test event: {other}"),
    };

    /// <summary>Creates an empty database in the fixture's cluster; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(PostgresFixture database, CancellationToken cancellationToken)
    {
        var name = "scratch_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(database.Cluster.AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return database.Cluster.ConnectionStringFor(name);
    }

    /// <summary>Every event of the store, in the store-wide order.</summary>
    public static Task<List<RecordedEvent>> ReadEverythingAsync(MartenEventStore store, CancellationToken cancellationToken) =>
        ToListAsync(store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cancellationToken), cancellationToken);

    public static async Task<List<RecordedEvent>> ToListAsync(IAsyncEnumerable<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var list = new List<RecordedEvent>();
        await foreach (var recorded in events.WithCancellation(cancellationToken))
        {
            list.Add(recorded);
        }

        return list;
    }

    /// <summary>Reads <paramref name="count"/> events from a live subscription, then stops it.</summary>
    public static async Task<List<RecordedEvent>> TakeAsync(IAsyncEnumerable<RecordedEvent> subscription, int count, CancellationToken cancellationToken)
    {
        var list = new List<RecordedEvent>(count);
        await foreach (var recorded in subscription.WithCancellation(cancellationToken))
        {
            list.Add(recorded);
            if (list.Count == count)
            {
                break;
            }
        }

        return list;
    }
}
