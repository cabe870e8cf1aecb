using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.Testing.Docker;
using Xunit;

namespace GitOps.Docker.Tests.Discovery;

public sealed class DockerDiscoveryWatcherTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunAsync_LabelledContainerStarted_IsPublishedWithItsAddressAndLabels()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        await run.Sink.WaitForAsync(c => c is DiscoveryResynced, Wait, cts.Token);

        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions { Labels = new Dictionary<string, string> { ["app"] = "web" } }, cts.Token);

        var started = (ContainerStarted)await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);
        Assert.Equal("lb1", started.Host);
        Assert.Equal(container.Name, started.Name);
        Assert.Equal([new ContainerNetwork("bridge", container.IpAddressOn("bridge"))], started.Networks);
        Assert.Equal("web", started.Labels["app"]);
        Assert.True(started.ToObservedContainer().IsRoutable);
        Assert.Equal(started.ToObservedContainer(), run.Watcher.Containers[container.Id]);
    }

    [Fact]
    public async Task RunAsync_ContainerAlreadyRunning_IsInTheFirstResync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);

        await using var run = new WatcherRun(docker.Endpoint);

        var resynced = (DiscoveryResynced)await run.Sink.WaitForAsync(c => c is DiscoveryResynced, Wait, cts.Token);
        var seen = Assert.Single(resynced.Snapshot, c => c.Id == container.Id);
        Assert.Equal(container.IpAddressOn("bridge"), seen.Networks.Single().IPAddress);
        Assert.Equal(resynced.Snapshot.OrderBy(c => c.Name, StringComparer.Ordinal), resynced.Snapshot);
    }

    [Fact]
    public async Task RunAsync_RestartedWithAnotherAddressWhileEventsQueued_PublishesAddressChanged()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        // A network of its own: no container of a test running in parallel can take the freed address.
        var network = await docker.CreateNetworkAsync(null, cts.Token);
        var onNetwork = new HttpContainerOptions { Networks = [network] };
        var container = await docker.RunHttpContainerAsync(onNetwork, cts.Token);
        var oldAddress = container.IpAddressOn(network);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);

        // Hold the watcher inside the publication of an unrelated container, so the stop and start below are
        // only seen afterwards, when the container already runs again: exactly a restart seen as an address change.
        var held = run.Sink.HoldOn(c => c is ContainerStarted s && s.Name.EndsWith("-blocker", StringComparison.Ordinal));
        await docker.RunHttpContainerAsync(new HttpContainerOptions { Name = $"gitops-test-{docker.RunId}-blocker" }, cts.Token);
        await held.WaitAsync(Wait, cts.Token);
        await docker.StopAsync(container.Id, cts.Token);
        var thief = await docker.RunHttpContainerAsync(onNetwork, cts.Token);
        Assert.Equal(oldAddress, thief.IpAddressOn(network));
        var restarted = await docker.StartAsync(container.Id, cts.Token);
        Assert.NotEqual(oldAddress, restarted.IpAddressOn(network));
        var mark = run.Sink.Changes.Count;
        run.Sink.Release();

        var changed = (ContainerAddressChanged)await run.Sink.WaitForAsync(c => c is ContainerAddressChanged a && a.ContainerId == container.Id, Wait, mark, cts.Token);
        Assert.Equal([new ContainerNetwork(network, restarted.IpAddressOn(network))], changed.Networks);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == thief.Id, Wait, cts.Token);
        Assert.DoesNotContain(run.Sink.Changes.Skip(mark), c => c is ContainerStopped s && s.ContainerId == container.Id);
        Assert.Equal(restarted.IpAddressOn(network), run.Watcher.Containers[container.Id].Networks.Single().IPAddress);
    }

    [Fact]
    public async Task RunAsync_StoppedStartedAndRemoved_PublishesStoppedStartedStopped()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);

        await docker.StopAsync(container.Id, cts.Token);
        var stopped = (ContainerStopped)await run.Sink.WaitForAsync(c => c is ContainerStopped s && s.ContainerId == container.Id, Wait, cts.Token);
        Assert.Equal(new ContainerStopped { Host = "lb1", ContainerId = container.Id, Name = container.Name, Signal = "SIGTERM" }, stopped);
        Assert.False(run.Watcher.Containers.ContainsKey(container.Id));

        var mark = run.Sink.Changes.Count;
        var restarted = await docker.StartAsync(container.Id, cts.Token);
        var started = (ContainerStarted)await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, mark, cts.Token);
        Assert.Equal(restarted.IpAddressOn("bridge"), started.Networks.Single().IPAddress);

        mark = run.Sink.Changes.Count;
        await docker.RemoveAsync(container.Id, cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStopped s && s.ContainerId == container.Id, Wait, mark, cts.Token);
        Assert.False(run.Watcher.Containers.ContainsKey(container.Id));
    }

    [Fact]
    public async Task RunAsync_DockerStop_PublishesStoppedAtTheStopSignalWhileTheContainerStillRuns()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);

        // httpd as PID 1 ignores SIGTERM: the container runs on until docker stop sends SIGKILL after --time.
        var stopping = docker.RunDockerAsync(["stop", "--time", "20", container.Id], cts.Token);
        var stopped = (ContainerStopped)await run.Sink.WaitForAsync(c => c is ContainerStopped s && s.ContainerId == container.Id, Wait, cts.Token);
        var state = (await docker.InspectAsync(container.Id, cts.Token)).GetProperty("State");
        await docker.RunDockerAsync(["kill", container.Id], cts.Token);
        await stopping;

        Assert.Equal("SIGTERM", stopped.Signal);
        Assert.True(state.GetProperty("Running").GetBoolean(), "the container was announced stopped only after it exited");
        Assert.False(run.Watcher.Containers.ContainsKey(container.Id));
        await AssertNoMoreChangesForAsync(run, container.Id, cts.Token);
    }

    [Fact]
    public async Task RunAsync_SignalOtherThanTheStopSignal_KeepsTheContainer()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);
        var mark = run.Sink.Changes.Count;

        // What an operator sends to make a server reload; busybox httpd as PID 1 ignores it.
        await docker.RunDockerAsync(["kill", "--signal", "HUP", container.Id], cts.Token);

        await AssertNoMoreChangesForAsync(run, container.Id, cts.Token, mark);
        Assert.True(run.Watcher.Containers.ContainsKey(container.Id));
    }

    [Fact]
    public async Task RunAsync_DockerRestart_StoppedAtTheSignalThenStartedAgain()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);
        var mark = run.Sink.Changes.Count;

        await docker.RunDockerAsync(["restart", "--time", "1", container.Id], cts.Token);

        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, mark, cts.Token);
        var mine = run.Sink.Changes.Skip(mark).Where(c => c is ContainerStopped s && s.ContainerId == container.Id || c is ContainerStarted t && t.ContainerId == container.Id).ToList();
        Assert.Collection(
            mine,
            c => Assert.Equal("SIGTERM", Assert.IsType<ContainerStopped>(c).Signal),
            c => Assert.IsType<ContainerStarted>(c));
        Assert.True(run.Watcher.Containers.ContainsKey(container.Id));
    }

    [Fact]
    public async Task RunAsync_DockerKill_PublishesStoppedWithSigkill()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);

        await docker.RunDockerAsync(["kill", container.Id], cts.Token);

        var stopped = (ContainerStopped)await run.Sink.WaitForAsync(c => c is ContainerStopped s && s.ContainerId == container.Id, Wait, cts.Token);
        Assert.Equal("SIGKILL", stopped.Signal);
        await AssertNoMoreChangesForAsync(run, container.Id, cts.Token);
    }

    /// <summary>
    /// Runs a marker container and waits until the watcher has published it: the engine's events come in order, so
    /// everything about <paramref name="id"/> that happened before is handled by then. Asserts nothing about
    /// <paramref name="id"/> was published after change <paramref name="mark"/> beyond one stop.
    /// </summary>
    private async Task AssertNoMoreChangesForAsync(WatcherRun run, string id, CancellationToken cancellationToken, int? mark = null)
    {
        var from = mark ?? run.Sink.Changes.ToList().FindIndex(c => c is ContainerStopped s && s.ContainerId == id) + 1;
        var marker = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cancellationToken);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == marker.Id, Wait, cancellationToken);
        Assert.DoesNotContain(run.Sink.Changes.Skip(from), c => c is ContainerStarted s && s.ContainerId == id || c is ContainerStopped t && t.ContainerId == id || c is ContainerAddressChanged a && a.ContainerId == id);
    }

    [Fact]
    public async Task RunAsync_HealthCheck_GoesStartingHealthyUnhealthyAndOnlyHealthyIsRoutable()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        var options = new HttpContainerOptions { HealthCommand = "test -f /tmp/healthy", HealthInterval = TimeSpan.FromSeconds(1) };

        var container = await docker.RunHttpContainerAsync(options, cts.Token);

        var started = (ContainerStarted)await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);
        Assert.Equal(ContainerHealth.Starting, started.Health);
        Assert.False(started.ToObservedContainer().IsRoutable);

        await docker.RunDockerAsync(["exec", container.Id, "touch", "/tmp/healthy"], cts.Token);
        await run.Sink.WaitForAsync(c => Equals(c, new ContainerHealthChanged { Host = "lb1", ContainerId = container.Id, Health = ContainerHealth.Healthy }), Wait, cts.Token);
        Assert.True(run.Watcher.Containers[container.Id].IsRoutable);

        var mark = run.Sink.Changes.Count;
        await docker.RunDockerAsync(["exec", container.Id, "rm", "/tmp/healthy"], cts.Token);
        await run.Sink.WaitForAsync(c => Equals(c, new ContainerHealthChanged { Host = "lb1", ContainerId = container.Id, Health = ContainerHealth.Unhealthy }), Wait, mark, cts.Token);
        Assert.False(run.Watcher.Containers[container.Id].IsRoutable);
        Assert.Equal(ContainerHealth.Unhealthy, run.Watcher.Containers[container.Id].Health);
    }

    [Fact]
    public async Task RunAsync_NetworkConnectedAndDisconnected_PublishesEveryAddress()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == container.Id, Wait, cts.Token);
        var network = await docker.CreateNetworkAsync(null, cts.Token);

        await docker.ConnectAsync(network, container.Id, cts.Token);

        var addresses = await docker.GetIpAddressesAsync(container.Id, cts.Token);
        var connected = (ContainerAddressChanged)await run.Sink.WaitForAsync(c => c is ContainerAddressChanged a && a.ContainerId == container.Id && a.Networks.Count == 2, Wait, cts.Token);
        Assert.Equal(
            addresses.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new ContainerNetwork(a.Key, a.Value)),
            connected.Networks);

        var mark = run.Sink.Changes.Count;
        await docker.DisconnectAsync(network, container.Id, cts.Token);
        var disconnected = (ContainerAddressChanged)await run.Sink.WaitForAsync(c => c is ContainerAddressChanged a && a.ContainerId == container.Id, Wait, mark, cts.Token);
        Assert.Equal([new ContainerNetwork("bridge", container.IpAddressOn("bridge"))], disconnected.Networks);
    }

    [Fact]
    public async Task RunAsync_FiftyContainersStartedBackToBack_AllSeen()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        await run.Sink.WaitForAsync(c => c is DiscoveryResynced, Wait, cts.Token);
        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add(await docker.RunDockerAsync(
                ["create", "--label", $"{DockerFixture.RunLabel}={docker.RunId}", "--name", $"gitops-test-{docker.RunId}-burst{i}", DockerFixture.ImageName, "sleep", "600"],
                cts.Token));
        }

        await docker.RunDockerAsync(["start", .. ids], cts.Token);

        foreach (var id in ids)
        {
            await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == id, Wait, cts.Token);
        }

        Assert.All(ids, id => Assert.True(run.Watcher.Containers[id].IsRunning));
        Assert.Equal(0, run.Watcher.FailedItems);
    }

    [Fact]
    public async Task RunAsync_HostileLabelValues_PublishesLabelRejectedAndGoesOn()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var run = new WatcherRun(docker.Endpoint);
        var labels = new Dictionary<string, string>
        {
            [LabelConventions.EnableLabel] = "Y",
            [LabelConventions.PublishLabel] = "80\n    server evil 203.0.113.1:80",
            [LabelConventions.TargetLabel] = "http",
            ["app"] = "web\" # injected",
            ["note"] = new string('x', 100_000),
            ["line"] = "a\nb",
        };

        var hostile = await docker.RunHttpContainerAsync(new HttpContainerOptions { Labels = labels }, cts.Token);

        var rejected = (ContainerLabelRejected)await run.Sink.WaitForAsync(c => c is ContainerLabelRejected r && r.ContainerId == hostile.Id, Wait, cts.Token);
        Assert.Equal(hostile.Name, rejected.Name);
        var messages = rejected.Diagnostics;
        Assert.Contains(messages, m => m.StartsWith($"error GITOPS310: container '{hostile.Name}': label 'lb.publish' value '80\\u000a    server evil 203.0.113.1:80' is not a port number 1-65535", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith($"error GITOPS310: container '{hostile.Name}': label 'lb.target' value 'http' is not a port number 1-65535", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith($"error GITOPS312: container '{hostile.Name}': label 'note' (value 'xxxx", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith($"error GITOPS312: container '{hostile.Name}': label 'line' (value 'a\\u000ab')", StringComparison.Ordinal));
        var seen = run.Watcher.Containers[hostile.Id];
        Assert.False(seen.Labels.ContainsKey("note"));
        Assert.False(seen.Labels.ContainsKey("line"));
        Assert.Equal("web\" # injected", seen.Labels["app"]);
        Assert.Null(LabelConventions.ReadSeed(seen, new List<Core.Diagnostics.Diagnostic>()));

        var normal = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStarted s && s.ContainerId == normal.Id, Wait, cts.Token);
    }
}
