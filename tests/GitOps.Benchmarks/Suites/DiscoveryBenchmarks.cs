using System.Collections.Concurrent;
using GitOps.Core.Discovery;
using GitOps.Core.Events;
using Docker.DotNet.Models;
using GitOps.Docker.Client;
using GitOps.Docker.Discovery;
using GitOps.Testing.Docker;
using Microsoft.Extensions.Logging.Abstractions;

namespace GitOps.Benchmarks.Suites;

/// <summary>
/// Discovery on the test dockerd: the delay from a container's <c>start</c> event (the engine's own timeNano) to
/// the watcher handing the <see cref="ContainerStarted"/> to its sink, over containers started one by one; and a
/// full resync (list + picture replacement) with 200 running containers.
/// </summary>
internal sealed class DiscoveryBenchmarks : IBenchmarkSuite
{
    private const int LatencyContainers = 60;
    private const int ResyncContainers = 200;

    public string Name => "discovery";

    public string Description => $"Docker start event -> change published (p50/p99 over {LatencyContainers} containers); full resync of {ResyncContainers} containers";

    public async Task RunAsync(BenchmarkReport report, CancellationToken cancellationToken)
    {
        var docker = new DockerFixture();
        await docker.InitializeAsync();
        try
        {
            using var client = new DockerEngineClient(DockerEndpoint.Parse(docker.Endpoint));
            await MeasureLatencyAsync(report, docker, client, cancellationToken);
            await MeasureResyncAsync(report, docker, client, cancellationToken);
        }
        finally
        {
            await docker.DisposeAsync();
        }
    }

    private static async Task MeasureLatencyAsync(BenchmarkReport report, DockerFixture docker, DockerEngineClient client, CancellationToken cancellationToken)
    {
        var ids = await CreateAsync(docker, "lat", LatencyContainers, cancellationToken);
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var eventTimes = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var sink = new TimingSink(wanted);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watcher = new DockerDiscoveryWatcher(client, "bench", sink, TimeProvider.System, NullLogger<DockerDiscoveryWatcher>.Instance);
        var watching = Task.Run(() => watcher.RunAsync(stop.Token), CancellationToken.None);
        var query = new ContainerEventsParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["event"] = new Dictionary<string, bool> { ["start"] = true },
            },
        };
        var subscription = await client.SubscribeEventsAsync(query, cancellationToken);
        var recording = Task.Run(
            async () =>
            {
                await foreach (var dockerEvent in subscription.ReadAllAsync(Timeout.InfiniteTimeSpan, TimeProvider.System, stop.Token))
                {
                    eventTimes.TryAdd(dockerEvent.Actor.ID, dockerEvent.TimeNano!.Value);
                }
            },
            CancellationToken.None);
        await sink.Resynced.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

        foreach (var id in ids)
        {
            await docker.RunDockerAsync(["start", id], cancellationToken);
        }

        await sink.AllSeen.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        await stop.CancelAsync();
        await Ignore(watching);
        await Ignore(recording);
        await subscription.DisposeAsync();

        var latencies = ids.Select(id => (sink.PublishedNano[id] - eventTimes[id]) / 1_000_000.0).Order().ToArray();
        report.Figure($"discovery_event_to_change_p50_ms", BenchmarkReport.Percentile(latencies, 50), "ms");
        report.Figure($"discovery_event_to_change_p99_ms", BenchmarkReport.Percentile(latencies, 99), "ms");
        report.Figure($"discovery_event_to_change_max_ms", latencies[^1], "ms");
        report.Figure("discovery_latency_containers", latencies.Length, "containers");
        await RemoveAsync(docker, ids, cancellationToken);
    }

    private static async Task MeasureResyncAsync(BenchmarkReport report, DockerFixture docker, DockerEngineClient client, CancellationToken cancellationToken)
    {
        var ids = await CreateAsync(docker, "resync", ResyncContainers, cancellationToken);
        foreach (var batch in ids.Chunk(50))
        {
            await docker.RunDockerAsync(["start", .. batch], cancellationToken);
        }

        var picture = new ContainerPicture("bench");
        var count = 0;
        var samples = await BenchmarkReport.MeasureAsync(
            async () =>
            {
                var listed = await client.ListContainersAsync(all: false, cancellationToken);
                count = picture.Replace(listed.Containers).Resynced.Snapshot.Count;
            },
            warmup: 2,
            iterations: 10);
        report.Figure($"discovery_resync_{ResyncContainers}_p50_ms", BenchmarkReport.Percentile(samples, 50), "ms");
        report.Figure($"discovery_resync_{ResyncContainers}_max_ms", samples[^1], "ms");
        report.Figure("discovery_resync_running_containers", count, "containers");
        await RemoveAsync(docker, ids, cancellationToken);
    }

    /// <summary>Creates stopped containers labelled for the fixture's cleanup, four at a time.</summary>
    private static async Task<List<string>> CreateAsync(DockerFixture docker, string prefix, int count, CancellationToken cancellationToken)
    {
        var ids = new string[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, token) => ids[i] = await docker.RunDockerAsync(
                ["create", "--label", $"{DockerFixture.RunLabel}={docker.RunId}", "--name", $"gitops-bench-{docker.RunId}-{prefix}{i}", DockerFixture.ImageName, "sleep", "3600"],
                token));
        return [.. ids];
    }

    private static async Task RemoveAsync(DockerFixture docker, List<string> ids, CancellationToken cancellationToken)
    {
        foreach (var batch in ids.Chunk(50))
        {
            await docker.RunDockerAsync(["rm", "--force", .. batch], cancellationToken);
        }
    }

    private static async Task Ignore(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }
    }

    /// <summary>Notes when each wanted container's <see cref="ContainerStarted"/> reached the sink, by the wall clock (the engine's clock on this host).</summary>
    private sealed class TimingSink(HashSet<string> wanted) : IDiscoverySink
    {
        public ConcurrentDictionary<string, long> PublishedNano { get; } = new(StringComparer.Ordinal);

        public TaskCompletionSource Resynced { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource AllSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task PublishAsync(IDiscoveryEvent change, CancellationToken cancellationToken)
        {
            var now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
            if (change is DiscoveryResynced)
            {
                Resynced.TrySetResult();
            }
            else if (change is ContainerStarted started && wanted.Contains(started.ContainerId) && PublishedNano.TryAdd(started.ContainerId, now) && PublishedNano.Count == wanted.Count)
            {
                AllSeen.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
