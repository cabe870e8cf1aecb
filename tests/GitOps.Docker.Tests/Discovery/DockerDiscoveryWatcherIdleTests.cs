using System.Net.Sockets;
using GitOps.Core.Events;
using GitOps.Docker.Client;
using GitOps.Docker.Discovery;
using GitOps.Testing.Docker;
using GitOps.Testing.Network;
using GitOps.Testing.Time;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace GitOps.Docker.Tests.Discovery;

/// <summary>An events connection that dies without closing, made with a proxy in front of the real engine that stops forwarding.</summary>
public sealed class DockerDiscoveryWatcherIdleTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunAsync_EventConnectionGoesSilent_ReconnectsAfterTheIdleLimitAndResyncs()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var socket = DockerEndpoint.Parse(docker.Endpoint);
        Assert.Equal(DockerEndpointKind.Unix, socket.Kind);
        await using var proxy = LoopbackTcpProxy.Start(new UnixDomainSocketEndPoint(socket.Address));
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var run = new WatcherRun(
            DockerEndpoint.Parse($"tcp://127.0.0.1:{proxy.Port}"),
            time,
            new DiscoveryWatcherOptions { EventIdleLimit = IdleLimit, InitialBackoff = TimeSpan.FromMilliseconds(50) },
            new DockerClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
        await run.Sink.WaitForAsync(c => c is DiscoveryResynced, Wait, cts.Token);
        var before = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == before.Id, Wait, cts.Token);

        // Just short of the limit the stream is trusted: a quiet host is not a dead one.
        time.Advance(IdleLimit - TimeSpan.FromSeconds(1));
        // Only the events stream goes silent: other tests' containers make the watcher inspect, and a stalled request
        // connection would be noticed by the request timeout instead of the idle limit this test is about.
        proxy.StallExisting("GET /events");
        var unseen = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        var mark = run.Sink.Changes.Count;
        Assert.Equal(0, run.Watcher.Reconnects);

        // Past the limit on the watcher's clock it reconnects (through the proxy, on a new connection) and resyncs.
        var resynced = await Poll.UntilAsync(
            _ =>
            {
                time.Advance(TimeSpan.FromSeconds(5));
                return Task.FromResult(run.Sink.Changes.Skip(mark).OfType<DiscoveryResynced>().FirstOrDefault(r => r.Snapshot.Any(c => c.Id == unseen.Id)));
            },
            () => $"a resync with container {unseen.Name} after the stall; reconnects {run.Watcher.Reconnects}, changes since: {string.Join(", ", run.Sink.Changes.Skip(mark).Select(c => c.GetType().Name))}",
            Wait,
            cts.Token,
            TimeSpan.FromMilliseconds(200));
        Assert.Contains(resynced.Snapshot, c => c.Id == before.Id);
        Assert.True(run.Watcher.IdleReconnects >= 1);
        Assert.True(proxy.Accepted >= 2);

        // The new stream carries events again.
        var after = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == after.Id, Wait, cts.Token);
    }

    [Fact]
    public async Task RunAsync_QuietButHealthyStream_IdleReconnectPublishesNothing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var run = new WatcherRun(docker.Endpoint, time, new DiscoveryWatcherOptions { EventIdleLimit = IdleLimit });
        await run.Sink.WaitForAsync(c => c is DiscoveryResynced, Wait, cts.Token);
        var mark = run.Sink.Changes.Count;

        await Poll.UntilAsync(
            _ =>
            {
                time.Advance(IdleLimit);
                return Task.FromResult(run.Watcher.IdleReconnects >= 2 ? (object?)true : null);
            },
            () => $"two idle reconnects; saw {run.Watcher.IdleReconnects}",
            Wait,
            cts.Token,
            TimeSpan.FromMilliseconds(200));

        // Containers of tests running in parallel may change the picture; none of this test's reconnects may publish an unchanged one.
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);
        var resyncs = run.Sink.Changes.Skip(mark).OfType<DiscoveryResynced>().ToList();
        Assert.True(resyncs.Count < run.Watcher.IdleReconnects, $"{resyncs.Count} resyncs published for {run.Watcher.IdleReconnects} idle reconnects");
    }
}
