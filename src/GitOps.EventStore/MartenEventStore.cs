using System.Runtime.CompilerServices;
using GitOps.EventStore.Errors;
using GitOps.EventStore.ReadModels;
using GitOps.EventStore.Serialization;
using GitOps.EventStore.Subscriptions;
using JasperFx.Events;
using Marten;
using Marten.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GitOps.EventStore;

/// <summary>
/// The event store (DESIGN §5) on Marten: appends with optimistic concurrency and idempotency by event
/// id, stream reads, a store-wide read that never skips a late commit, live subscriptions woken by
/// LISTEN/NOTIFY, and the read models as Marten inline projections. Open it with <see cref="OpenAsync"/>,
/// which creates or updates the schema (and imports a store written by gitops before Marten, once); dispose it at exit.
/// </summary>
public sealed class MartenEventStore : IAsyncDisposable
{
    /// <summary>The PostgreSQL schema holding Marten's tables and the read models.</summary>
    public const string SchemaName = "gitops";

    /// <summary>The channel every append notifies on commit; subscriptions listen on it.</summary>
    internal const string NotifyChannel = "gitops_events";

    /// <summary>
    /// The transaction lock every append takes before Marten draws its sequence numbers ("gitops:append" in
    /// ASCII): appends commit in sequence order, so readers that follow the sequence never skip a late commit.
    /// </summary>
    private const string AppendLockKey = "7451615080437987937"; // 0x6769746F70733A61

    /// <summary>The notification's payload names the streams appended to (see <see cref="NotificationWakeup"/>).</summary>
    private const string LockAndNotifySql = $"SELECT pg_advisory_xact_lock({AppendLockKey}), pg_notify('{NotifyChannel}', $1)";

    /// <summary>Payloads longer than this name no streams (PostgreSQL takes up to 8,000 bytes): every listener wakes.</summary>
    private const int MaxNotifiedStreamsLength = 7_000;

    private readonly NpgsqlDataSource dataSource;

    private MartenEventStore(NpgsqlDataSource dataSource, DocumentStore documents, EventStoreOptions options, EventTypeRegistry registry, TimeProvider timeProvider, ILogger logger)
    {
        this.dataSource = dataSource;
        Documents = documents;
        Options = options;
        Registry = registry;
        TimeProvider = timeProvider;
        Logger = logger;
        Retry = new TransientRetry(options, timeProvider, logger);
    }

    public EventStoreOptions Options { get; }

    public EventTypeRegistry Registry { get; }

    /// <summary>Marten's document store on the same database: the events, the read models' progress, and documents such as the controller's snapshot.</summary>
    public IDocumentStore Documents { get; }

    internal ILogger Logger { get; }

    internal TransientRetry Retry { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>
    /// Connects (retrying while the database is unreachable), creates or updates the schema, and imports a
    /// store written by gitops before Marten (its <c>gitops.events</c> table) the first time it sees one.
    /// </summary>
    /// <exception cref="EventStoreConfigurationException">The connection string is malformed, or the server refuses its database, user or password.</exception>
    /// <exception cref="EventStoreUnavailableException">The database stayed unreachable through every retry.</exception>
    /// <exception cref="EventStoreSchemaException">The database was written by a newer gitops.</exception>
    public static async Task<MartenEventStore> OpenAsync(
        EventStoreOptions options,
        EventTypeRegistry? registry = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        registry ??= EventTypeRegistry.Default;
        timeProvider ??= TimeProvider.System;
        var dataSource = CreateDataSource(options.ConnectionString, options.Actor);
        var documents = MartenSetup.CreateDocumentStore(dataSource, options, registry, timeProvider);
        var store = new MartenEventStore(dataSource, documents, options, registry, timeProvider, logger);
        try
        {
            await new StoreSchema(store, options.ReadModels).EnsureAsync(cancellationToken).ConfigureAwait(false);
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
    public async Task<AppendResult> AppendAsync(string stream, ExpectedVersion expected, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken) =>
        (await AppendManyAsync([new StreamAppend(stream, expected, events)], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Appends to several streams in one transaction, all or nothing: each append only if its stream is at its expected
    /// version. One transaction and one Marten session for all of them (the controller publishes a commit's configurations
    /// for every host this way). Returns one result per append, in the same order.
    /// </summary>
    /// <exception cref="WrongExpectedVersionException">A stream is at another version (another writer got there first); nothing was appended.</exception>
    /// <exception cref="EventIdConflictException">Some event ids are already stored by a different append.</exception>
    /// <exception cref="EventStoreUnavailableException">The database stayed unreachable through every retry.</exception>
    public Task<IReadOnlyList<AppendResult>> AppendManyAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appends);
        ArgumentOutOfRangeException.ThrowIfZero(appends.Count);
        foreach (var append in appends)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(append.Stream, nameof(appends));
            ArgumentNullException.ThrowIfNull(append.Events, nameof(appends));
            ArgumentOutOfRangeException.ThrowIfZero(append.Events.Count, nameof(appends));
            foreach (var newEvent in append.Events)
            {
                // Fails now, with the type's name, rather than inside Marten.
                Registry.NameOf(newEvent.Data);
            }
        }

        if (appends.Select(a => a.Stream).Distinct(StringComparer.Ordinal).Count() != appends.Count)
        {
            throw new ArgumentException("An append names the same stream twice; put its events in one part.", nameof(appends));
        }

        var ids = appends.SelectMany(a => a.Events).Select(e => e.EventId).ToArray();
        if (ids.Distinct().Count() != ids.Length)
        {
            throw new ArgumentException("An append contains the same event id twice.", nameof(appends));
        }

        // Retrying a whole append is safe: its event ids make a second commit of it impossible.
        return Retry.ExecuteAsync("append", ct => AppendOnceAsync(appends, ct), cancellationToken);
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
            ? $"SELECT {EventRows.Columns} FROM {SchemaName}.mt_events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3"
            : $"SELECT {EventRows.Columns} FROM {SchemaName}.mt_events WHERE stream_id = $1 AND version <= $2 ORDER BY version DESC LIMIT $3";
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

    /// <summary>Reads every event after <paramref name="after"/> in the store-wide order, as far as is committed now. Ends there; a subscription goes on.</summary>
    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(
        GlobalPosition after,
        long maxCount = long.MaxValue,
        CancellationToken cancellationToken = default) =>
        ReadPagesAsync(
            "read all",
            after,
            maxCount,
            (connection, position, limit, ct) => ReadPageAsync(connection, position, limit, streams: null, ct),
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
        new EventSubscription(this, name, streams: null).ReadAsync(after, cancellationToken);

    /// <summary>
    /// As <see cref="SubscribeAsync(string, GlobalPosition, CancellationToken)"/>, for the events of <paramref name="streams"/>
    /// only: the database filters them, and appends to other streams do not wake this subscription. What an agent of a
    /// fleet follows: a store-wide subscription per agent reads every host's configurations and wakes at every append.
    /// </summary>
    public IAsyncEnumerable<RecordedEvent> SubscribeAsync(string name, GlobalPosition after, IReadOnlySet<string> streams, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentOutOfRangeException.ThrowIfZero(streams.Count);
        return new EventSubscription(this, name, streams).ReadAsync(after, cancellationToken);
    }

    /// <summary>The newest event committed so far (<see cref="GlobalPosition.Start"/> when there is none).</summary>
    public Task<GlobalPosition> HeadAsync(CancellationToken cancellationToken) =>
        Retry.ExecuteAsync(
            "read head",
            async ct =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using var command = new NpgsqlCommand($"SELECT coalesce(max(seq_id), 0) FROM {SchemaName}.mt_events", connection);
                return new GlobalPosition((long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!);
            },
            cancellationToken);

    /// <summary>
    /// Empties the read model named <paramref name="name"/> and applies every event to it again, from the first, in one
    /// transaction holding the append lock: appends wait, and readers see the old tables until the new ones are complete.
    /// </summary>
    public async Task RebuildReadModelAsync(string name, CancellationToken cancellationToken)
    {
        var readModel = Options.ReadModels.FirstOrDefault(r => r.Name == name)
            ?? throw new ArgumentException($"No read model named '{name}' is registered with this store.", nameof(name));
        var events = await Retry.ExecuteAsync(
            "rebuild read model",
            async ct =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await LockForAppendAsync(transaction, streams: null, ct).ConfigureAwait(false);
                var count = await RebuildLockedAsync(transaction, readModel, ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return count;
            },
            cancellationToken).ConfigureAwait(false);
        EventStoreLog.ReadModelRebuilt(Logger, name, events);
    }

    /// <summary>The position of checkpoint <paramref name="name"/>; <see cref="GlobalPosition.Start"/> when it was never saved.</summary>
    public async Task<GlobalPosition> ReadCheckpointAsync(string name, CancellationToken cancellationToken) =>
        new((await LoadDocumentAsync<Checkpoint>(name, cancellationToken).ConfigureAwait(false))?.Sequence ?? 0);

    /// <summary>The Marten document of type <typeparamref name="T"/> stored under <paramref name="id"/>; null when there is none.</summary>
    public Task<T?> LoadDocumentAsync<T>(string id, CancellationToken cancellationToken)
        where T : class =>
        Retry.ExecuteAsync(
            "load document",
            async ct =>
            {
                await using var session = Documents.QuerySession();
                return await session.LoadAsync<T>(id, ct).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>Moves checkpoint <paramref name="name"/> forward to <paramref name="position"/> (never back, whoever writes).</summary>
    public Task SaveCheckpointAsync(string name, GlobalPosition position, CancellationToken cancellationToken) =>
        StoreIfNewerAsync(name, new Checkpoint { Id = name, Sequence = position.Sequence, UpdatedAt = TimeProvider.GetUtcNow() }, c => c.Sequence, cancellationToken);

    /// <summary>
    /// Stores <paramref name="document"/> under <paramref name="id"/> unless the one stored there is at the same or a later
    /// position (<paramref name="positionOf"/>): a writer that fell behind (a deposed leader) never moves it back.
    /// Returns whether it was stored.
    /// </summary>
    public Task<bool> StoreIfNewerAsync<T>(string id, T document, Func<T, long> positionOf, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(positionOf);
        return Retry.ExecuteAsync(
            "store document",
            async ct =>
            {
                await using var session = Documents.LightweightSession();
                await session.BeginTransactionAsync(ct).ConfigureAwait(false);
                var stored = await session.LoadAsync<T>(id, ct).ConfigureAwait(false);
                if (stored is not null && positionOf(stored) >= positionOf(document))
                {
                    return false;
                }

                session.Store(document);
                await session.SaveChangesAsync(ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);
    }

    /// <summary>Opens a pooled connection to the store's database, for read-model queries and tools.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        Documents.Dispose();
        await dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The stream Marten writes its tombstone rows to.</summary>
    private const string TombstoneStream = "mt_tombstone";

    /// <summary>One page of <see cref="ReadAllAsync"/>: events after <paramref name="after"/> in sequence order, of <paramref name="streams"/> only unless null.</summary>
    internal async Task<List<RecordedEvent>> ReadPageAsync(NpgsqlConnection connection, GlobalPosition after, int limit, IReadOnlySet<string>? streams, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            streams is null
                // Marten fills the sequence numbers of an append that failed mid-way (a database restart) with tombstone rows of
                // its own stream: placeholders, never events of ours.
                ? $"SELECT {EventRows.Columns} FROM {SchemaName}.mt_events WHERE seq_id > $1 AND stream_id <> '{TombstoneStream}' ORDER BY seq_id LIMIT $2"
                : $"SELECT {EventRows.Columns} FROM {SchemaName}.mt_events WHERE seq_id > $1 AND stream_id = ANY($3) ORDER BY seq_id LIMIT $2",
            connection);
        command.Parameters.Add(new() { Value = after.Sequence });
        command.Parameters.Add(new() { Value = limit });
        if (streams is not null)
        {
            command.Parameters.Add(new() { Value = streams.ToArray() });
        }

        return await EventRows.ReadAllAsync(command, Registry, cancellationToken).ConfigureAwait(false);
    }

    internal NotificationWakeup StartWakeup(IReadOnlySet<string>? streams) => NotificationWakeup.Start(dataSource, Retry, Logger, streams);

    /// <summary>
    /// Appends in the caller's transaction, which must already hold the append lock (see <see cref="LockForAppendAsync"/>):
    /// the legacy import appends many streams in one transaction this way.
    /// </summary>
    internal async Task<AppendResult> AppendLockedAsync(NpgsqlTransaction transaction, string stream, ExpectedVersion expected, IReadOnlyList<NewEvent> events, CancellationToken cancellationToken) =>
        (await AppendLockedAsync(transaction, [new StreamAppend(stream, expected, events)], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Appends every part of <paramref name="appends"/> in the caller's transaction (holding the append lock), in one Marten session.</summary>
    private async Task<IReadOnlyList<AppendResult>> AppendLockedAsync(NpgsqlTransaction transaction, IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken)
    {
        await using var session = Documents.LightweightSession(SessionOptions.ForTransaction(transaction, shouldAutoCommit: false));
        var actions = new List<StreamAction>(appends.Count);
        foreach (var (stream, expected, events) in appends)
        {
            var appended = new List<object>(events.Count);
            foreach (var newEvent in events)
            {
                var marten = session.Events.BuildEvent(newEvent.Data);
                marten.Id = newEvent.EventId;
                marten.CorrelationId = (newEvent.CorrelationId ?? newEvent.EventId).ToString();
                marten.CausationId = newEvent.CausationId?.ToString();
                marten.SetHeader(EventHeaders.Actor, newEvent.Actor ?? Options.Actor);
                if (newEvent.Commit is not null)
                {
                    marten.SetHeader(EventHeaders.Commit, newEvent.Commit);
                }

                appended.Add(marten);
            }

            // Marten reads the stream's version in the round trip that draws the sequence numbers, and checks the expected
            // one (which it counts after the append) there.
            actions.Add(expected.IsAny
                ? session.Events.Append(stream, appended.ToArray())
                : session.Events.Append(stream, expected.Value + events.Count, appended.ToArray()));
        }

        SqlReadModel.AppendTransaction.Value = transaction;
        try
        {
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SqlReadModel.AppendTransaction.Value = null;
        }

        return actions.Select((action, i) => new AppendResult(appends[i].Stream, action.Version, Appended: true)).ToList();
    }

    /// <summary>Empties <paramref name="readModel"/> and applies every event to it, page by page, in the caller's transaction (which holds the append lock). Returns how many events it read.</summary>
    internal async Task<long> RebuildLockedAsync(NpgsqlTransaction transaction, SqlReadModel readModel, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await using (var reset = new NpgsqlCommand(readModel.ResetSql, connection, transaction))
        {
            await reset.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long events = 0;
        var after = GlobalPosition.Start;
        while (true)
        {
            var page = await ReadPageAsync(connection, after, Options.PageSize, streams: null, cancellationToken).ConfigureAwait(false);
            await readModel.ApplyAsync(page, transaction, cancellationToken).ConfigureAwait(false);
            events += page.Count;
            if (page.Count < Options.PageSize)
            {
                return events;
            }

            after = page[^1].Position;
        }
    }

    /// <summary>
    /// Takes the append lock in <paramref name="transaction"/> and queues the commit notification, naming
    /// <paramref name="streams"/> (null, or too many to name: a notification every listener wakes for).
    /// </summary>
    internal static async Task LockForAppendAsync(NpgsqlTransaction transaction, IEnumerable<string>? streams, CancellationToken cancellationToken)
    {
        var named = streams is null ? "" : string.Join(NotificationWakeup.StreamSeparator, streams);
        await using var command = new NpgsqlCommand(LockAndNotifySql, transaction.Connection, transaction);
        command.Parameters.Add(new() { Value = named.Length <= MaxNotifiedStreamsLength ? named : "" });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlDataSource CreateDataSource(string connectionString, string actor)
    {
        try
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            // pg_stat_activity names each process's connections ("gitops agent@lb1"), unless the operator named them.
            if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.ApplicationName))
            {
                builder.ConnectionStringBuilder.ApplicationName = "gitops " + actor;
            }

            // A fleet of agents at rest should hold as few server connections as it can: pooled connections idle for
            // 15 s are closed (Npgsql's default keeps them 5 min), so an idle agent keeps its notification listener alone.
            if (!connectionString.Contains("Idle Lifetime", StringComparison.OrdinalIgnoreCase))
            {
                builder.ConnectionStringBuilder.ConnectionIdleLifetime = 15;
                builder.ConnectionStringBuilder.ConnectionPruningInterval = 5;
            }

            // The store runs a handful of statements over and over: prepare them once per connection,
            // unless the operator's connection string says otherwise.
            if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
                builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }

            return builder.Build();
        }
        catch (ArgumentException ex)
        {
            throw new EventStoreConfigurationException($"The event store connection string is invalid: {ErrorText.OneLine(ex)}", ex);
        }
    }

    private static async Task<long> StreamVersionAsync(NpgsqlConnection connection, string stream, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT coalesce((SELECT version FROM {SchemaName}.mt_streams WHERE id = $1), 0)", connection);
        command.Parameters.Add(new() { Value = stream });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The result of the earlier commit of this very append, null when none of its ids is stored.</summary>
    /// <exception cref="EventIdConflictException">Some, not all, of the ids are stored, or in another stream.</exception>
    private static async Task<AppendResult?> FindStoredAsync(NpgsqlConnection connection, string stream, Guid[] ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT id, stream_id, version FROM {SchemaName}.mt_events WHERE id = ANY($1)", connection);
        command.Parameters.Add(new() { Value = ids });
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

        if (found.Count == ids.Length && found.All(f => string.Equals(f.Stream, stream, StringComparison.Ordinal)))
        {
            return new AppendResult(stream, found.Max(f => f.Version), Appended: false);
        }

        throw new EventIdConflictException(stream, found.Select(f => f.EventId).ToList());
    }

    private async Task<IReadOnlyList<AppendResult>> AppendOnceAsync(IReadOnlyList<StreamAppend> appends, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockForAppendAsync(transaction, appends.Select(a => a.Stream), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<AppendResult> results;
        try
        {
            results = await AppendLockedAsync(transaction, appends, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoredEventId(ex) || ex is EventStreamUnexpectedMaxEventIdException)
        {
            // No append looks its ids up first: a retry of an append that did commit is told by its stored events,
            // after the unique index on the ids or the version check refused it. Otherwise another writer got there first.
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            var stored = new List<AppendResult>(appends.Count);
            foreach (var append in appends)
            {
                if (await FindStoredAsync(connection, append.Stream, append.Events.Select(e => e.EventId).ToArray(), cancellationToken).ConfigureAwait(false) is { } found)
                {
                    stored.Add(found);
                }
            }

            if (stored.Count == appends.Count)
            {
                return stored;
            }

            if (stored.Count > 0)
            {
                throw new EventIdConflictException(stored[0].Stream, appends.First(a => a.Stream == stored[0].Stream).Events.Select(e => e.EventId).ToList());
            }

            if (ex is EventStreamUnexpectedMaxEventIdException)
            {
                foreach (var append in appends.Where(a => !a.Expected.IsAny))
                {
                    var actual = await StreamVersionAsync(connection, append.Stream, cancellationToken).ConfigureAwait(false);
                    if (actual != append.Expected.Value)
                    {
                        throw new WrongExpectedVersionException(append.Stream, append.Expected, actual);
                    }
                }

                // Moved back meanwhile (cannot happen: streams only grow); name the first as Marten did not say which.
                var first = appends.First(a => !a.Expected.IsAny);
                throw new WrongExpectedVersionException(first.Stream, first.Expected, await StreamVersionAsync(connection, first.Stream, cancellationToken).ConfigureAwait(false));
            }

            throw new InvalidOperationException($"An append to {string.Join(", ", appends.Select(a => a.Stream))} hit a stored event id, which is not stored after all.", ex);
        }

        if (results.Any(r => r.Appended))
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>Whether <paramref name="exception"/> is the unique index on the events' ids refusing an insert.</summary>
    private static bool IsStoredEventId(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "mt_events" })
            {
                return true;
            }
        }

        return false;
    }

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
}
