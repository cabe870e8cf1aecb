using GitOps.EventStore.ReadModels;

namespace GitOps.EventStore;

/// <summary>How to reach and use the event store.</summary>
public sealed record EventStoreOptions
{
    /// <summary>The environment variable the CLI reads the connection string from when <c>--store</c> is absent.</summary>
    public const string ConnectionStringVariable = "GITOPS_STORE";

    /// <summary>An Npgsql connection string, e.g. <c>Host=db;Database=gitops;Username=gitops;Password=…</c>.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The actor recorded on events that name none.</summary>
    public string Actor { get; init; } = "gitops";

    /// <summary>How often subscriptions look for new events when no notification arrives.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Events read per round trip by readers and subscriptions.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>Attempts of an operation that fails transiently (database restarting, connection lost) before giving up.</summary>
    public int RetryAttempts { get; init; } = 6;

    /// <summary>Delay before the first retry; doubled on each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The read models kept beside the events, in every append's transaction: every process that appends must list the same ones.</summary>
    public IReadOnlyList<SqlReadModel> ReadModels { get; init; } = [];

    /// <summary>Marten document types kept in the store besides <see cref="Checkpoint"/> (their tables are created at start-up).</summary>
    public IReadOnlyList<Type> DocumentTypes { get; init; } = [];
}
