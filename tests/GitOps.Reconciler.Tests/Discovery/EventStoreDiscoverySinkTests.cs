using GitOps.Core.Events;
using GitOps.Docker.Client;
using GitOps.Docker.Discovery;
using GitOps.EventStore;
using GitOps.Reconciler;
using GitOps.Reconciler.Discovery;
using GitOps.Reconciler.Tests.Support;
using GitOps.Testing.Docker;
using GitOps.Testing.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace GitOps.Reconciler.Tests.Discovery;

public sealed class EventStoreDiscoverySinkTests(PostgresFixture postgres, DockerFixture docker) : IClassFixture<PostgresFixture>, IClassFixture<DockerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PublishAsync_WatcherOnTheTestEngine_StoresStartedAndStoppedOnTheDockerStream()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var store = await ReconcilerStore.OpenAsync(new EventStoreOptions { ConnectionString = postgres.ConnectionString }, cancellationToken: cts.Token);
        var host = "sink-" + docker.RunId;
        var stream = StreamNames.Docker(host);
        var sink = new EventStoreDiscoverySink(store, "agent@" + host);
        using var client = new DockerEngineClient(DockerEndpoint.Parse(docker.Endpoint));
        var watcher = new DockerDiscoveryWatcher(client, host, sink, TimeProvider.System, NullLogger<DockerDiscoveryWatcher>.Instance);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var running = Task.Run(() => watcher.RunAsync(stop.Token), CancellationToken.None);
        try
        {
            await StoreEvents.WaitForAsync<DiscoveryResynced>(store, stream, _ => true, Wait, cts.Token);

            var container = await docker.RunHttpContainerAsync(new HttpContainerOptions { Labels = new Dictionary<string, string> { ["app"] = "web" } }, cts.Token);

            var started = await StoreEvents.WaitForAsync<ContainerStarted>(store, stream, s => s.ContainerId == container.Id, Wait, cts.Token);
            Assert.Equal(host, started.Host);
            Assert.Equal(container.Name, started.Name);
            Assert.Equal("web", started.Labels["app"]);
            Assert.Equal(container.IpAddressOn("bridge"), started.Networks.Single().IPAddress);

            await docker.StopAsync(container.Id, cts.Token);

            var stopped = await StoreEvents.WaitForAsync<ContainerStopped>(store, stream, s => s.ContainerId == container.Id, Wait, cts.Token);
            // docker stop sends SIGTERM first: the container is recorded as leaving then, with the signal (it round-trips through the store).
            Assert.Equal(new ContainerStopped { Host = host, ContainerId = container.Id, Name = container.Name, Signal = "SIGTERM" }, stopped);
            var recorded = await StoreEvents.ReadAsync(store, stream, cts.Token);
            Assert.All(recorded, e => Assert.Equal("agent@" + host, e.Metadata.Actor));
            Assert.Equal((long)recorded.Count, sink.Appended);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
                // The watcher ends only by cancellation.
            }
        }
    }
}
