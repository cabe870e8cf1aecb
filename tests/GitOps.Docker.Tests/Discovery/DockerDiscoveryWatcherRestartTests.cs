using GitOps.Core.Discovery;
using GitOps.Core.Events;
using GitOps.Docker.Discovery;
using GitOps.Testing.Docker;
using Xunit;

namespace GitOps.Docker.Tests.Discovery;

/// <summary>Runs against a dockerd of its own, because it stops and restarts the engine.</summary>
public sealed class DockerDiscoveryWatcherRestartTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunAsync_EngineRestartedAndChangedDuringTheOutage_ResyncCorrectsThePicture()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var daemon = await RestartableDockerDaemon.StartNewAsync(cts.Token);
        var removed = await daemon.RunDockerAsync(["run", "--detach", "--name", "removed", DockerFixture.ImageName, "sleep", "600"], cts.Token);
        var kept = await daemon.RunDockerAsync(["run", "--detach", "--name", "kept", "--restart", "always", DockerFixture.ImageName, "sleep", "600"], cts.Token);
        var time = new GatedTimeProvider();
        await using var run = new WatcherRun(daemon.Endpoint, time, new DiscoveryWatcherOptions { InitialBackoff = TimeSpan.FromMilliseconds(50) });
        var first = (DiscoveryResynced)await run.Sink.WaitForAsync(c => c is DiscoveryResynced, Wait, cts.Token);
        Assert.Equal(["kept", "removed"], first.Snapshot.Select(c => c.Name));

        // Keep the watcher in its reconnect backoff for the whole outage and what follows it.
        time.Close();
        await daemon.StopAsync(cts.Token);
        while (time.Waiting == 0)
        {
            await Task.Delay(50, cts.Token);
        }

        await daemon.StartAsync(cts.Token);
        await daemon.RunDockerAsync(["rm", "--force", removed], cts.Token);
        var added = await daemon.RunDockerAsync(["run", "--detach", "--name", "added", DockerFixture.ImageName, "sleep", "600"], cts.Token);
        while (await daemon.RunDockerAsync(["inspect", "--format", "{{.State.Running}}", kept], cts.Token) != "true")
        {
            await Task.Delay(100, cts.Token);
        }

        var mark = run.Sink.Changes.Count;
        time.Open();

        var resynced = (DiscoveryResynced)await run.Sink.WaitForAsync(c => c is DiscoveryResynced, Wait, mark, cts.Token);
        Assert.Equal(["added", "kept"], resynced.Snapshot.Select(c => c.Name));
        Assert.Equal([added, kept], resynced.Snapshot.Select(c => c.Id));
        Assert.True(run.Watcher.Reconnects >= 1);

        // Events replayed from before the resync must not roll it back, and later ones still arrive.
        await daemon.RunDockerAsync(["stop", "--time", "1", added], cts.Token);
        await run.Sink.WaitForAsync(c => c is ContainerStopped s && s.ContainerId == added, Wait, mark, cts.Token);
        Assert.Equal([kept], run.Watcher.Containers.Keys);
    }
}
