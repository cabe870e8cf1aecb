using GitOps.Core.Collections;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.Controller;
using GitOps.Testing.Git;
using GitOps.Testing.Postgres;
using GitOps.Testing.Time;
using Npgsql;

namespace GitOps.Reconciler.Tests.Support;

/// <summary>
/// One test's world: a fresh database in the shared test cluster, an open store on it, and a real git
/// repository. Starts real controllers against them and waits on what lands in the store.
/// </summary>
internal sealed class ControllerHarness : IAsyncDisposable
{
    private readonly List<(ControllerService Controller, MartenEventStore Store)> controllers = [];

    private ControllerHarness(string connectionString, MartenEventStore store, GitRepoBuilder git)
    {
        ConnectionString = connectionString;
        Store = store;
        Git = git;
    }

    public static TimeSpan Timeout => Poll.DefaultBound;

    public string ConnectionString { get; }

    public MartenEventStore Store { get; }

    public GitRepoBuilder Git { get; }

    public static async Task<ControllerHarness> CreateAsync(PostgresFixture database)
    {
        var name = "ctl_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(database.Cluster.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = database.Cluster.ConnectionStringFor(name);
        var store = await ReconcilerStore.OpenAsync(StoreOptions(connectionString));
        var git = await GitRepoBuilder.CreateAsync();
        return new ControllerHarness(connectionString, store, git);
    }

    public static EventStoreOptions StoreOptions(string connectionString) => new()
    {
        ConnectionString = connectionString,
        Actor = "test",
        PollInterval = TimeSpan.FromMilliseconds(200),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromSeconds(1),
    };

    public ControllerOptions Options(TimeSpan? coalesce = null) => new()
    {
        Repository = Git.WorkTree,
        PollInterval = TimeSpan.FromMilliseconds(500),
        CoalesceWindow = coalesce ?? TimeSpan.FromMilliseconds(50),
    };

    /// <summary>Starts a controller on its own store connection (as a separate process would have), on <paramref name="clock"/> (the real one by default).</summary>
    public async Task<ControllerService> StartControllerAsync(ControllerOptions? options = null, TimeProvider? clock = null)
    {
        var store = await ReconcilerStore.OpenAsync(StoreOptions(ConnectionString));
        var controller = new ControllerService(store, options ?? Options(), timeProvider: clock);
        await controller.StartAsync(CancellationToken.None);
        controllers.Add((controller, store));
        return controller;
    }

    public async Task<List<RecordedEvent>> ReadStreamAsync(string stream)
    {
        var events = new List<RecordedEvent>();
        await foreach (var recorded in Store.ReadStreamAsync(stream))
        {
            events.Add(recorded);
        }

        return events;
    }

    public async Task<List<ConfigRendered>> RenderedAsync(string host) =>
        (await ReadStreamAsync(StreamNames.Config(host))).Select(e => (ConfigRendered)e.Data).ToList();

    /// <summary>Waits until <paramref name="stream"/> holds at least <paramref name="count"/> events; returns them.</summary>
    public Task<List<RecordedEvent>> WaitForStreamAsync(string stream, int count)
    {
        var seen = 0;
        return Poll.UntilAsync(
            async _ =>
            {
                var events = await ReadStreamAsync(stream);
                seen = events.Count;
                return events.Count >= count ? events : null;
            },
            () => $"stream '{stream}' has {seen} events; expected {count}");
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what) => Poll.UntilAsync(condition, what);

    /// <summary>
    /// Waits until the leader has handled <paramref name="recorded"/> and every input before it: its checkpoint, saved
    /// after each round of rendering, has reached it. What the round would have appended is in the store by then.
    /// </summary>
    public Task WaitUntilHandledAsync(RecordedEvent recorded)
    {
        var checkpoint = Options().CheckpointName;
        return Poll.UntilAsync(async ct => await Store.ReadCheckpointAsync(checkpoint, ct) >= recorded.Position, $"the controller to handle {recorded.Stream} v{recorded.Version}");
    }

    /// <summary>
    /// For a controller on <paramref name="clock"/>: closes each coalescing window it opens (by moving the clock past
    /// <paramref name="window"/>) until it has handled everything in the store, its own renders included.
    /// </summary>
    public Task SettleAsync(SteppedClock clock, TimeSpan window)
    {
        var checkpoint = Options().CheckpointName;
        return Poll.UntilAsync(
            async ct =>
            {
                if (await Store.ReadCheckpointAsync(checkpoint, ct) >= await Store.HeadAsync(ct))
                {
                    return true;
                }

                if (clock.WaitingFor(window) > 0)
                {
                    clock.Advance(window);
                }

                return false;
            },
            "the controller to handle everything stored");
    }

    /// <summary>Appends what Docker discovery would: a web container started on <paramref name="host"/>.</summary>
    public Task<AppendResult> StartContainerAsync(string host, string id, string address, Guid? eventId = null) =>
        Store.AppendAsync(
            StreamNames.Docker(host),
            ExpectedVersion.Any,
            new NewEvent(new ContainerStarted
            {
                Host = host,
                ContainerId = id,
                Name = "web-" + id,
                Labels = new ValueMap(new Dictionary<string, string> { ["app"] = "web" }),
                Networks = ValueList.Create(new ContainerNetwork("bridge", address)),
            }) { EventId = eventId ?? Guid.CreateVersion7() },
            CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var (controller, store) in controllers)
        {
            await controller.DisposeAsync();
            await store.DisposeAsync();
        }

        await Store.DisposeAsync();
        await Git.DisposeAsync();
    }
}
