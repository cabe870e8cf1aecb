using System.Net;
using Docker.DotNet.Models;
using GitOps.Docker.Client;
using GitOps.Processes;
using GitOps.Testing.Docker;
using Xunit;

namespace GitOps.Docker.Tests.Client;

public sealed class DockerEngineClientTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    [Fact]
    public async Task GetVersionAsync_RealEngine_ReportsASupportedApiVersion()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var client = new DockerEngineClient(DockerEndpoint.Parse(docker.Endpoint));

        var version = await client.GetVersionAsync(cts.Token);

        Assert.False(string.IsNullOrEmpty(version.Version));
        Assert.True(System.Version.Parse(version.ApiVersion) >= DockerVersion.MinimumApi);
    }

    [Theory]
    [InlineData("1.41")]
    [InlineData("1.52")]
    public void RequireSupported_Api141OrNewer_IsAccepted(string server) => DockerVersion.RequireSupported(server);

    [Theory]
    [InlineData("1.40", "the engine speaks Docker API 1.40, but this tool needs at least 1.41 (Docker 20.10); upgrade the engine")]
    [InlineData("1.x", "the engine reports API version '1.x', which is not of the form 1.41")]
    public void RequireSupported_UnusableServerVersion_ThrowsProtocolError(string server, string message) =>
        Assert.Equal(message, Assert.Throws<DockerProtocolException>(() => DockerVersion.RequireSupported(server)).Message);

    [Fact]
    public async Task InspectContainerAsync_UnknownContainer_ThrowsNotFoundWithDockersMessage()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var client = new DockerEngineClient(DockerEndpoint.Parse(docker.Endpoint));

        var error = await Assert.ThrowsAsync<DockerApiException>(() => client.InspectContainerAsync("gitops-no-such-container", cts.Token));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.True(error.IsNotFound);
        Assert.Equal("No such container: gitops-no-such-container", error.DockerMessage);
        Assert.Equal("GET /containers/gitops-no-such-container/json", error.Request);
    }

    [Fact]
    public async Task InspectContainerAsync_RunningContainer_HasNameStateLabelsAndAddress()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var client = new DockerEngineClient(DockerEndpoint.Parse(docker.Endpoint));
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions { Labels = new Dictionary<string, string> { ["app"] = "api" } }, cts.Token);

        var observed = await client.InspectContainerAsync(container.Id, cts.Token);

        Assert.Equal(container.Id, observed.Id);
        Assert.Equal(container.Name, observed.Name);
        Assert.Equal("running", observed.State);
        Assert.Equal("api", observed.Labels["app"]);
        Assert.Equal(container.IpAddressOn("bridge"), observed.Networks.Single(n => n.Name == "bridge").IPAddress);
    }

    [Fact]
    public async Task GetEventsAsync_SinceAndUntilInThePast_ReplaysTheWindowAndEnds()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var client = new DockerEngineClient(DockerEndpoint.Parse(docker.Endpoint));
        var since = TimeProvider.System.GetUtcNow().AddSeconds(-1);
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        await docker.StopAsync(container.Id, cts.Token);
        var until = TimeProvider.System.GetUtcNow();
        var query = new ContainerEventsParameters
        {
            Since = DockerEngineClient.EventTime(since),
            Until = DockerEngineClient.EventTime(until),
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["container"] = new Dictionary<string, bool> { [container.Id] = true },
            },
        };

        var events = new List<Message>();
        await foreach (var dockerEvent in client.GetEventsAsync(query, cts.Token))
        {
            events.Add(dockerEvent);
        }

        var actions = events.Select(e => e.Action).ToList();
        Assert.Equal(["create", "start"], actions.Take(2));
        Assert.Contains("die", actions);
        Assert.All(events, e => Assert.Equal(container.Id, e.Actor.ID));
        Assert.All(events, e => Assert.InRange(DateTimeOffset.UnixEpoch.AddTicks(e.TimeNano!.Value / 100), since, until));
        Assert.Equal(container.Name, events[0].Actor.Attributes!["name"]);
    }

    [Fact]
    public async Task ListContainersAsync_OverTcp_SeesTheSameContainers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var socket = DockerEndpoint.Parse(docker.Endpoint);
        Assert.Equal(DockerEndpointKind.Unix, socket.Kind);
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);
        var port = GitOps.Testing.Network.LoopbackPorts.GetFree();
        var socat = ProcessRunner.FindOnPath("socat") ?? throw new InvalidOperationException("socat is not installed; run deploy/setup.sh.");
        using var forwarding = new CancellationTokenSource();
        var forwarder = ProcessRunner.RunAsync(socat, [$"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork", $"UNIX-CONNECT:{socket.Address}"], cancellationToken: forwarding.Token);
        try
        {
            using var client = new DockerEngineClient(DockerEndpoint.Parse($"tcp://127.0.0.1:{port}"));
            var listed = await RetryUntilListeningAsync(() => client.ListContainersAsync(all: false, cts.Token), cts.Token);

            Assert.Contains(listed.Containers, c => c.Id == container.Id && c.Name == container.Name);
        }
        finally
        {
            await forwarding.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => forwarder);
        }
    }

    [Fact]
    public async Task ListContainersAsync_NoEngineOnTheSocket_ThrowsConnectionErrorNamingTheEndpoint()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var client = new DockerEngineClient(DockerEndpoint.Parse("unix:///run/gitops-no-such-dir/docker.sock"));

        var error = await Assert.ThrowsAsync<DockerConnectionException>(() => client.ListContainersAsync(all: false, cts.Token));

        Assert.Equal("cannot reach the Docker engine at unix:///run/gitops-no-such-dir/docker.sock: there is no socket at /run/gitops-no-such-dir/docker.sock; is dockerd running, and is this the endpoint it listens on?", error.Message);
    }

    [Theory]
    [InlineData("unix:///var/run/docker.sock", DockerEndpointKind.Unix, "/var/run/docker.sock", 0, "unix:///var/run/docker.sock")]
    [InlineData("/run/docker.sock", DockerEndpointKind.Unix, "/run/docker.sock", 0, "unix:///run/docker.sock")]
    [InlineData("tcp://127.0.0.1:2376", DockerEndpointKind.Tcp, "127.0.0.1", 2376, "tcp://127.0.0.1:2376")]
    [InlineData("tcp://docker-host", DockerEndpointKind.Tcp, "docker-host", 2375, "tcp://docker-host:2375")]
    public void Parse_DockerHostForms_AreUnderstood(string text, DockerEndpointKind kind, string address, int port, string shown)
    {
        var endpoint = DockerEndpoint.Parse(text);

        Assert.Equal((kind, address, port, shown), (endpoint.Kind, endpoint.Address, endpoint.Port, endpoint.ToString()));
    }

    [Theory]
    [InlineData("ssh://me@host")]
    [InlineData("unix://relative.sock")]
    [InlineData("tcp://host:2375/path")]
    [InlineData("")]
    public void TryParse_UnsupportedForms_ExplainTheAcceptedOnes(string text)
    {
        Assert.False(DockerEndpoint.TryParse(text, out _, out var error));
        Assert.EndsWith("use unix:///path/to/docker.sock, /path/to/docker.sock or tcp://host:port", error, StringComparison.Ordinal);
    }

    private static async Task<T> RetryUntilListeningAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (DockerConnectionException) when (attempt < 50)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }
}
