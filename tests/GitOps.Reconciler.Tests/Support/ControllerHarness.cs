using System.Diagnostics;
using GitOps.Core.Collections;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.Reconciler.Controller;
using GitOps.Testing.Git;
using GitOps.Testing.Postgres;
using Npgsql;

namespace GitOps.Reconciler.Tests.Support;

/// <summary>
/// One test's world: a fresh database in the shared test cluster, an open store on it, and a real git
/// repository. Starts real controllers against them and waits on what lands in the store.
/// </summary>
internal sealed class ControllerHarness : IAsyncDisposable
{
    private readonly List<(ControllerService Controller, PostgresEventStore Store)> controllers = [];

    private ControllerHarness(string connectionString, PostgresEventStore store, GitRepoBuilder git)
    {
        ConnectionString = connectionString;
        Store = store;
        Git = git;
    }

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(20);

    public string ConnectionString { get; }

    public PostgresEventStore Store { get; }

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
        var store = await PostgresEventStore.OpenAsync(StoreOptions(connectionString));
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

    /// <summary>Starts a controller on its own store connection (as a separate process would have).</summary>
    public async Task<ControllerService> StartControllerAsync(ControllerOptions? options = null)
    {
        var store = await PostgresEventStore.OpenAsync(StoreOptions(ConnectionString));
        var controller = new ControllerService(store, options ?? Options());
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
    public async Task<List<RecordedEvent>> WaitForStreamAsync(string stream, int count)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var events = await ReadStreamAsync(stream);
            if (events.Count >= count)
            {
                return events;
            }

            if (stopwatch.Elapsed > Timeout)
            {
                throw new TimeoutException($"Stream '{stream}' has {events.Count} events after {Timeout.TotalSeconds} s; expected {count}.");
            }

            await Task.Delay(50);
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > Timeout)
            {
                throw new TimeoutException($"Timed out after {Timeout.TotalSeconds} s waiting for {what}.");
            }

            await Task.Delay(20);
        }
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
