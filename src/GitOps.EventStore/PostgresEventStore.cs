using System.Runtime.CompilerServices;
using System.Text.Json;
using GitOps.EventStore.Errors;
using GitOps.EventStore.Schema;
using GitOps.EventStore.Serialization;
using GitOps.EventStore.Subscriptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace GitOps.EventStore;

/// <summary>
/// The append-only event store on PostgreSQL (DESIGN §5): appends with optimistic concurrency and
/// idempotency by event id, stream reads, a store-wide read that never skips a late commit, and live
/// subscriptions. Open it with <see cref="OpenAsync"/>, which migrates the schema; dispose it at exit.
/// </summary>
public sealed class PostgresEventStore : IAsyncDisposable
{
    /// <summary>How often an append with <see cref="ExpectedVersion.Any"/> retries after losing a race for a version.</summary>
    private const int AnyVersionAttempts = 100;

    private const string StreamVersionConstraint = "events_stream_version_key";
    private const string EventIdConstraint = "events_event_id_key";

    private const string AppendSql = """
        WITH current_version AS (
            SELECT coalesce(max(version), 0) AS v FROM gitops.events WHERE stream = $1
        )
        INSERT INTO gitops.events (event_id, stream, version, type, data, metadata, recorded_at)
        SELECT e.event_id, $1, c.v + e.ord, e.type, e.data, e.metadata, $6
        FROM current_version c,
             unnest($2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[]) WITH ORDINALITY AS e(event_id, type, data, metadata, ord)
        WHERE $7 < 0 OR c.v = $7
        ORDER BY e.ord
        RETURNING version
        """;

    // Only below the oldest transaction still running: every transaction that could still commit an
    // event there has ended, so no later read can find one behind the returned page (DESIGN §5).
    private const string ReadAllSql = $"""
        SELECT {EventRows.Columns} FROM gitops.events
        WHERE (transaction_id, position) > ($1, $2)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
        ORDER BY transaction_id, position
        LIMIT $3
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly TimeProvider timeProvider;

    private PostgresEventStore(NpgsqlDataSource dataSource, EventStoreOptions options, EventTypeRegistry registry, TimeProvider timeProvider, ILogger logger)
    {
        this.dataSource = dataSource;
        this.timeProvider = timeProvider;
        Options = options;
        Registry = registry;
        Logger = logger;
        Retry = new TransientRetry(options, timeProvider, logger);
    }

    public EventStoreOptions Options { get; }

    public EventTypeRegistry Registry { get; }

    internal ILogger Logger { get; }

    internal TransientRetry Retry { get; }

    internal TimeProvider TimeProvider => timeProvider;

    /// <summary>
    /// Connects (retrying while the database is unreachable) and brings the schema up to date.
    /// </summary>
    /// <exception cref="EventStoreConfigurationException">The connection string is malformed, or the server refuses its database, user or password.</exception>
    /// <exception cref="EventStoreUnavailableException">The database stayed unreachable through every retry.</exception>
    /// <exception cref="EventStoreSchemaException">The database was migrated by a newer gitops.</exception>
    public static async Task<PostgresEventStore> OpenAsync(
        EventStoreOptions options,
        EventTypeRegistry? registry = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var dataSource = CreateDataSource(options.ConnectionString);
        var store = new PostgresEventStore(dataSource, options, registry ?? EventTypeRegistry.Default, timeProvider ?? TimeProvider.System, logger);
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Appends <paramref name="events"/> to <paramref name="stream"/> in one transaction, if the stream is at <paramref name="expected"/>.</summary>
    /// <exception cref="WrongExpectedVersionException">The stream is at another version (another writer got there first).</exception>
    /// <exception cref="EventIdConflictException">Some event ids are already stored by a different append.</exception>
    /// <exception cref="EventStoreUnavailableException">The database stayed unreachable through every retry.</exception>
    public Task<AppendResult> AppendAsync(string stream, ExpectedVersion expected, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        var batch = SerializedBatch.Create(events, Registry, Options.Actor);
        // Retrying a whole append is safe: its event ids make a second commit of it impossible.
        return Retry.ExecuteAsync("append", ct => AppendOnceAsync(stream, expected, batch, ct), cancellationToken);
    }

    /// <summary>Appends one event; see <see cref="AppendAsync(string, ExpectedVersion, IReadOnlyList{NewEvent}, CancellationToken)"/>.</summary>
    public Task<AppendResult> AppendAsync(string stream, ExpectedVersion expected, NewEvent newEvent, CancellationToken cancellationToken) =>
        AppendAsync(stream, expected, [newEvent], cancellationToken);

    /// <summary>The version of the stream's last event; 0 when it has none.</summary>
    public Task<long> StreamVersionAsync(string stream, CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(
            "read stream version",
            async ct =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                return await StreamVersionAsync(connection, stream, ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>
    /// Reads a stream from version <paramref name="from"/> (default: the first event forwards, the last backwards),
    /// at most <paramref name="maxCount"/> events.
    /// </summary>
    public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(
        string stream,
        ReadDirection direction = ReadDirection.Forwards,
        long? from = null,
        long maxCount = long.MaxValue,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stream);
        var forwards = direction == ReadDirection.Forwards;
        var sql = forwards
            ? $"SELECT {EventRows.Columns} FROM gitops.events WHERE stream = $1 AND version >= $2 ORDER BY version LIMIT $3"
            : $"SELECT {EventRows.Columns} FROM gitops.events WHERE stream = $1 AND version <= $2 ORDER BY version DESC LIMIT $3";
        return ReadPagesAsync(
            "read stream",
            from ?? (forwards ? 1 : long.MaxValue),
            maxCount,
            async (connection, version, limit, ct) =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                command.Parameters.Add(new() { Value = stream });
                command.Parameters.Add(new() { Value = version });
                command.Parameters.Add(new() { Value = limit });
                return await EventRows.ReadAllAsync(command, Registry, ct).ConfigureAwait(false);
            },
            last => forwards ? last.Version + 1 : last.Version - 1,
            cancellationToken);
    }

    /// <summary>
    /// Reads every event after <paramref name="after"/> in the store-wide order, as far as is final now:
    /// events of transactions older than the oldest one still running. Ends there; a subscription goes on.
    /// </summary>
    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        GlobalPosition after,
        long maxCount = long.MaxValue,
        CancellationToken cancellationToken = default) =>
        ReadPagesAsync(
            "read all",
            after,
            maxCount,
            (connection, position, limit, ct) => ReadPageAsync(connection, null, position, limit, ct),
            last => last.Position,
            cancellationToken);

    /// <summary>
    /// Every event after <paramref name="after"/>, in the store-wide order: first those already there, then
    /// new ones as they commit, until cancelled. Woken by LISTEN/NOTIFY, polling every
    /// <see cref="EventStoreOptions.PollInterval"/> as a fallback; rides out database restarts without
    /// losing or repeating an event. Keep the last event's <see cref="RecordedEvent.Position"/> to resume.
    /// </summary>
    public IAsyncEnumerable<RecordedEvent> SubscribeAsync(GlobalPosition after, CancellationToken cancellationToken) =>
        SubscribeAsync("subscription", after, cancellationToken);

    /// <summary>As <see cref="SubscribeAsync(GlobalPosition, CancellationToken)"/>, named <paramref name="name"/> in log events.</summary>
    public IAsyncEnumerable<RecordedEvent> SubscribeAsync(string name, GlobalPosition after, CancellationToken cancellationToken) =>
        new EventSubscription(this, name).ReadAsync(after, cancellationToken);

    /// <summary>
    /// The newest event committed so far, in the store-wide order (<see cref="GlobalPosition.Start"/> when
    /// there is none). Readers may not see it yet: they stay below the oldest transaction still running.
    /// </summary>
    public Task<GlobalPosition> HeadAsync(CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(
            "read head",
            async ct =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using var command = new NpgsqlCommand(
                    "SELECT transaction_id, position FROM gitops.events ORDER BY transaction_id DESC, position DESC LIMIT 1", connection);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false)
                    ? new GlobalPosition(reader.GetInt64(0), reader.GetInt64(1))
                    : GlobalPosition.Start;
            },
            cancellationToken);

    /// <summary>Opens a pooled connection to the store's database, for projections' read models and tools.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    /// <summary>
    /// The paging loop of every reader: reads pages of at most <see cref="EventStoreOptions.PageSize"/> from
    /// <paramref name="start"/>, each on a fresh pooled connection with transient retries, until a short page
    /// or <paramref name="maxCount"/> events.
    /// </summary>
    private async IAsyncEnumerable<RecordedEvent> ReadPagesAsync<TCursor>(
        string operation,
        TCursor start,
        long maxCount,
        Func<NpgsqlConnection, TCursor, int, CancellationToken, Task<List<RecordedEvent>>> readPage,
        Func<RecordedEvent, TCursor> nextAfter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = start;
        var remaining = maxCount;
        while (remaining > 0)
        {
            var limit = (int)Math.Min(remaining, Options.PageSize);
            var from = cursor;
            var page = await Retry.ExecuteAsync(
                operation,
                async ct =>
                {
                    await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                    return await readPage(connection, from, limit, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var recorded in page)
            {
                yield return recorded;
            }

            if (page.Count < limit)
            {
                yield break;
            }

            remaining -= page.Count;
            cursor = nextAfter(page[^1]);
        }
    }

    /// <summary>One page of <see cref="ReadAllAsync"/>, on the caller's connection (and transaction, for projections).</summary>
    internal async Task<List<RecordedEvent>> ReadPageAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, GlobalPosition after, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ReadAllSql, connection, transaction);
        command.Parameters.Add(new() { Value = after.TransactionId });
        command.Parameters.Add(new() { Value = after.Position });
        command.Parameters.Add(new() { Value = limit });
        return await EventRows.ReadAllAsync(command, Registry, cancellationToken).ConfigureAwait(false);
    }

    internal NotificationWakeup StartWakeup() => NotificationWakeup.Start(dataSource, Retry, Logger);

    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        try
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            // The store runs a handful of statements over and over: prepare them once per connection,
            // unless the operator's connection string says otherwise.
            if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
                builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }

            return builder.Build();
        }
        catch (ArgumentException ex)
        {
            throw new EventStoreConfigurationException($"The event store connection string is invalid: {ErrorText.OneLine(ex)}", ex);
        }
    }

    private static bool IsRefusedConfiguration(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.InvalidPassword
            or PostgresErrorCodes.InvalidAuthorizationSpecification
            or PostgresErrorCodes.InvalidCatalogName
            or PostgresErrorCodes.InsufficientPrivilege;

    private static async Task<long> StreamVersionAsync(NpgsqlConnection connection, string stream, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM gitops.events WHERE stream = $1", connection);
        command.Parameters.Add(new() { Value = stream });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Retry.ExecuteAsync(
                "schema migration",
                async ct =>
                {
                    await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                    return await new SchemaMigrator(Logger).MigrateAsync(connection, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (IsRefusedConfiguration(ex))
        {
            throw new EventStoreConfigurationException($"The event store database refused the connection: {ErrorText.OneLine(ex)}", ex);
        }
    }

    private async Task<AppendResult> AppendOnceAsync(string stream, ExpectedVersion expected, SerializedBatch batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            PostgresException? conflict = null;
            try
            {
                var version = await InsertAsync(connection, stream, expected, batch, cancellationToken).ConfigureAwait(false);
                if (version is { } appended)
                {
                    return new AppendResult(stream, appended, Appended: true);
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName is StreamVersionConstraint or EventIdConstraint)
            {
                conflict = ex;
            }

            // Not inserted: a retry of an append that did commit, or the stream is not where it was expected.
            if (await FindStoredAsync(connection, stream, batch, cancellationToken).ConfigureAwait(false) is { } stored)
            {
                return stored;
            }

            if (expected.IsAny && attempt < AnyVersionAttempts)
            {
                continue;
            }

            var actual = await StreamVersionAsync(connection, stream, cancellationToken).ConfigureAwait(false);
            throw new WrongExpectedVersionException(stream, expected, actual, conflict);
        }
    }

    /// <summary>Inserts the batch; null when the stream was not at the expected version.</summary>
    private async Task<long?> InsertAsync(NpgsqlConnection connection, string stream, ExpectedVersion expected, SerializedBatch batch, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(AppendSql, connection);
        command.Parameters.Add(new() { Value = stream });
        command.Parameters.Add(new() { Value = batch.EventIds });
        command.Parameters.Add(new() { Value = batch.Types });
        command.Parameters.Add(new() { Value = batch.Data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = batch.Metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = timeProvider.GetUtcNow() });
        command.Parameters.Add(new() { Value = expected.Value });
        long? last = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            last = reader.GetInt64(0);
        }

        return last;
    }

    /// <summary>The result of the earlier commit of this very append, null when none of its ids is stored.</summary>
    /// <exception cref="EventIdConflictException">Some, not all, of the ids are stored, or in another stream.</exception>
    private static async Task<AppendResult?> FindStoredAsync(NpgsqlConnection connection, string stream, SerializedBatch batch, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT event_id, stream, version FROM gitops.events WHERE event_id = ANY($1)", connection);
        command.Parameters.Add(new() { Value = batch.EventIds });
        var found = new List<(Guid EventId, string Stream, long Version)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        if (found.Count == 0)
        {
            return null;
        }

        if (found.Count == batch.EventIds.Length && found.All(f => string.Equals(f.Stream, stream, StringComparison.Ordinal)))
        {
            return new AppendResult(stream, found.Max(f => f.Version), Appended: false);
        }

        throw new EventIdConflictException(stream, found.Select(f => f.EventId).ToList());
    }

    /// <summary>An append's events turned into the column arrays of the insert, once for all its attempts.</summary>
    private sealed record SerializedBatch(Guid[] EventIds, string[] Types, string[] Data, string[] Metadata)
    {
        public static SerializedBatch Create(IReadOnlyList<NewEvent> events, EventTypeRegistry registry, string defaultActor)
        {
            var ids = new Guid[events.Count];
            var types = new string[events.Count];
            var data = new string[events.Count];
            var metadata = new string[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                ids[i] = e.EventId;
                types[i] = registry.NameOf(e.Data);
                data[i] = registry.Serialize(e.Data);
                metadata[i] = JsonSerializer.Serialize(
                    new EventMetadata { CorrelationId = e.CorrelationId ?? e.EventId, CausationId = e.CausationId, Actor = e.Actor ?? defaultActor, Commit = e.Commit },
                    EventTypeRegistry.JsonOptions);
            }

            if (ids.Distinct().Count() != ids.Length)
            {
                throw new ArgumentException("An append contains the same event id twice.", nameof(events));
            }

            return new SerializedBatch(ids, types, data, metadata);
        }
    }
}
