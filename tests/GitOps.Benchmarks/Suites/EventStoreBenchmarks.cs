using System.Diagnostics;
using System.Globalization;
using GitOps.Core.Events;
using GitOps.EventStore;
using GitOps.EventStore.Local;
using GitOps.Reconciler;
using GitOps.Reconciler.ReadModels;
using GitOps.Testing.Postgres;
using Npgsql;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// Appends, reads and projection rebuilds against the product's own local PostgreSQL (the one
/// <c>gitops up</c> starts: default durability, fsync on), in a temp data directory; then the same
/// figures, prefixed <c>nofsync_</c>, on a test cluster with fsync off.
/// </summary>
internal sealed class EventStoreBenchmarks : IBenchmarkSuite
{
    private const int SingleAppends = 2_000;
    private const int ConcurrentWriters = 8;
    private const int Batches = 1_000;
    private const int BatchSize = 100;
    private const int Streams = 50;

    public string Name => "eventstore";

    public string Description => "event store appends (single, concurrent, batched), catch-up read, 100k-event projection rebuild, leader takeover and read-model rebuild on a 1M-event store";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Environment.IsPrivilegedProcess ? "/tmp" : Path.GetTempPath(), "gitops-bench-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using (var server = await LocalPostgres.StartAsync(dataDirectory, cancellationToken: cancellationToken))
            {
                await MeasureAsync(report, "", server.ConnectionString, cancellationToken);
            }

            // The same on the tests' throwaway cluster (fsync off): what the CPU allows when the disk's flush is out of the way.
            await using var relaxed = await PostgresCluster.StartNewAsync(cancellationToken);
            await using (var admin = new NpgsqlConnection(relaxed.AdminConnectionString))
            {
                await admin.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand("CREATE DATABASE bench", admin);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            await MeasureAsync(report, "nofsync_", relaxed.ConnectionStringFor("bench"), cancellationToken);

            // The 1M-event store on the same cluster (fsync off): building it is not what is measured.
            await using (var admin = new NpgsqlConnection(relaxed.AdminConnectionString))
            {
                await admin.OpenAsync(cancellationToken);
                await using var create = new NpgsqlCommand("CREATE DATABASE takeover", admin);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            await LeaderTakeover.MeasureAsync(report, relaxed.ConnectionStringFor("takeover"), cancellationToken);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task MeasureAsync(BenchmarkReport report, string prefix, string connectionString, CancellationToken cancellationToken)
    {
        {
            var options = ReconcilerStore.WithReadModels(new EventStoreOptions { ConnectionString = connectionString, PageSize = 5_000 });
            await using var store = await MartenEventStore.OpenAsync(options, cancellationToken: cancellationToken);

            // Warm up the pool, JIT and plans.
            for (var i = 0; i < 200; i++)
            {
                await store.AppendAsync("warmup", ExpectedVersion.Any, new NewEvent(Event(i)), cancellationToken);
            }

            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < SingleAppends; i++)
            {
                await store.AppendAsync(StreamOf(i), ExpectedVersion.Any, new NewEvent(Event(i)), cancellationToken);
            }

            report.Figure(prefix + "append_single_1writer", SingleAppends / Stopwatch.GetElapsedTime(started).TotalSeconds, "events/s");

            started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, ConcurrentWriters).Select(w => Task.Run(
                async () =>
                {
                    for (var i = 0; i < SingleAppends / ConcurrentWriters; i++)
                    {
                        await store.AppendAsync(StreamOf((w * 7) + i), ExpectedVersion.Any, new NewEvent(Event(i)), cancellationToken);
                    }
                },
                cancellationToken)));
            report.Figure(prefix + "append_single_8writers", SingleAppends / Stopwatch.GetElapsedTime(started).TotalSeconds, "events/s");

            started = Stopwatch.GetTimestamp();
            for (var b = 0; b < Batches; b++)
            {
                var batch = Enumerable.Range(0, BatchSize).Select(i => new NewEvent(Event((b * BatchSize) + i))).ToList();
                await store.AppendAsync(StreamOf(b), ExpectedVersion.Any, batch, cancellationToken);
            }

            report.Figure(prefix + "append_batch100", Batches * BatchSize / Stopwatch.GetElapsedTime(started).TotalSeconds, "events/s");

            var read = 0;
            started = Stopwatch.GetTimestamp();
            await foreach (var recorded in store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cancellationToken))
            {
                read += recorded.Data is ContainerHealthChanged ? 1 : 0;
            }

            var readSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            report.Figure(prefix + "catchup_read", read / readSeconds, "events/s");

            started = Stopwatch.GetTimestamp();
            await store.RebuildReadModelAsync(ControllerReadModel.ProjectionName, cancellationToken);
            report.Figure(prefix + $"projection_rebuild_{read / 1000}k", Stopwatch.GetElapsedTime(started).TotalSeconds, "s");

            report.Figure(prefix + "subscription_latency_p50", await SubscriptionLatencyAsync(store, cancellationToken), "ms");
        }
    }

    /// <summary>Median time from an append's return to its delivery by a live subscription (LISTEN/NOTIFY path).</summary>
    private static async Task<double> SubscriptionLatencyAsync(MartenEventStore store, CancellationToken cancellationToken)
    {
        var tail = GlobalPosition.Start;
        await foreach (var recorded in store.ReadAllAsync(GlobalPosition.Start, cancellationToken: cancellationToken))
        {
            tail = recorded.Position;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var arrivals = System.Threading.Channels.Channel.CreateUnbounded<long>();
        var subscriber = Task.Run(
            async () =>
            {
                await foreach (var _ in store.SubscribeAsync(tail, stop.Token))
                {
                    arrivals.Writer.TryWrite(Stopwatch.GetTimestamp());
                }
            },
            stop.Token);
        var samples = new List<double>();
        for (var i = 0; i < 50; i++)
        {
            await store.AppendAsync("latency", ExpectedVersion.Any, new NewEvent(Event(i)), cancellationToken);
            var appended = Stopwatch.GetTimestamp();
            var arrived = await arrivals.Reader.ReadAsync(cancellationToken);
            samples.Add(Math.Max(0, Stopwatch.GetElapsedTime(appended, arrived).TotalMilliseconds));
            await Task.Delay(10, cancellationToken);
        }

        await stop.CancelAsync();
        try
        {
            await subscriber;
        }
        catch (OperationCanceledException)
        {
            // The subscription ends by cancellation.
        }

        var sorted = samples.Order().ToArray();
        return BenchmarkReport.Percentile(sorted, 50);
    }

    private static string StreamOf(int i) => StreamNames.Docker("h" + (i % Streams).ToString(CultureInfo.InvariantCulture));

    private static ContainerHealthChanged Event(int i) => new()
    {
        Host = "h" + (i % Streams).ToString(CultureInfo.InvariantCulture),
        ContainerId = "c" + i.ToString(CultureInfo.InvariantCulture),
        Health = GitOps.Core.Discovery.ContainerHealth.Healthy,
    };
}
