using GitOps.Testing.Docker;
using Xunit;

namespace GitOps.Docker.Tests.Fixtures;

public sealed class DockerFixtureTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunHttpContainerAsync_LabelledContainer_AnswersWithItsNameAndCarriesLabels()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var options = new HttpContainerOptions { Labels = new Dictionary<string, string> { ["gitops.service"] = "web", ["gitops.port"] = "80" } };

        var container = await docker.RunHttpContainerAsync(options, cts.Token);

        var body = await DockerFixture.WaitForHttpAsync(container.IpAddressOn("bridge"), 80, HttpTimeout, cts.Token);
        Assert.Equal(container.Name, body.Split('\n')[0]);
        var labels = (await docker.InspectAsync(container.Id, cts.Token)).GetProperty("Config").GetProperty("Labels");
        Assert.Equal("web", labels.GetProperty("gitops.service").GetString());
        Assert.Equal("80", labels.GetProperty("gitops.port").GetString());
        Assert.Equal(docker.RunId, labels.GetProperty(DockerFixture.RunLabel).GetString());
    }

    [Fact]
    public async Task RunHttpContainerAsync_HealthCommand_BecomesHealthyAfterStopAndStart()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var options = new HttpContainerOptions { HealthCommand = "wget -q -O /dev/null http://127.0.0.1/", HealthInterval = TimeSpan.FromMilliseconds(500) };
        var container = await docker.RunHttpContainerAsync(options, cts.Token);
        await docker.StopAsync(container.Id, cts.Token);
        Assert.Empty(await docker.GetIpAddressesAsync(container.Id, cts.Token));

        var restarted = await docker.StartAsync(container.Id, cts.Token);

        var status = "";
        for (var attempt = 0; attempt < 100 && status != "healthy"; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cts.Token);
            status = (await docker.InspectAsync(container.Id, cts.Token)).GetProperty("State").GetProperty("Health").GetProperty("Status").GetString()!;
        }

        Assert.Equal("healthy", status);
        Assert.StartsWith(container.Name + "\n", await DockerFixture.WaitForHttpAsync(restarted.IpAddress, 80, HttpTimeout, cts.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_ContainersAndNetworksOfTheRun_AreRemoved()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var other = new DockerFixture();
        await other.InitializeAsync();
        TestContainer container;
        string network;
        try
        {
            network = await other.CreateNetworkAsync(null, cts.Token);
            container = await other.RunHttpContainerAsync(new HttpContainerOptions { Networks = ["bridge", network] }, cts.Token);
            Assert.Equal(2, container.IpAddresses.Count);
            var body = await DockerFixture.WaitForHttpAsync(container.IpAddressOn(network), 80, HttpTimeout, cts.Token);
            Assert.StartsWith(container.Name + "\n", body, StringComparison.Ordinal);
        }
        finally
        {
            await other.DisposeAsync();
        }

        Assert.Equal("", await docker.RunDockerAsync(["ps", "--all", "--quiet", "--filter", $"id={container.Id}"], cts.Token));
        Assert.Equal("", await docker.RunDockerAsync(["network", "ls", "--quiet", "--filter", $"name=^{network}$"], cts.Token));
    }
}
