using System.Text.Json;
using GitOps.Testing.Docker;
using Xunit;

namespace GitOps.Cli.Tests.Commands;

public sealed class DiscoverCommandTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    private static readonly Dictionary<string, string> SeedLabels = new() { ["lb.enable"] = "Y", ["lb.publish"] = "80", ["lb.target"] = "8080" };

    [Fact]
    public async Task Discover_Json_ListsTheContainerWithAddressAndSeedTarget()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions { Labels = SeedLabels }, cts.Token);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await CliApp.RunAsync(["discover", "--docker", docker.Endpoint, "--format", "json"], output, error, cts.Token);

        Assert.Equal((CliApp.ExitOk, ""), (exitCode, error.ToString()));
        using var document = JsonDocument.Parse(output.ToString());
        var seen = document.RootElement.EnumerateArray().Single(c => c.GetProperty("id").GetString() == container.Id);
        Assert.Equal(container.Name, seen.GetProperty("name").GetString());
        Assert.True(seen.GetProperty("routable").GetBoolean());
        Assert.Equal(container.IpAddressOn("bridge"), seen.GetProperty("networks")[0].GetProperty("ipAddress").GetString());
        Assert.Equal(80, seen.GetProperty("seed").GetProperty("publishPort").GetInt32());
        Assert.Equal(8080, seen.GetProperty("seed").GetProperty("targetPort").GetInt32());
        Assert.Equal(0, seen.GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task Discover_Text_ShowsTableRowAndExplainsABadLabel()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var good = await docker.RunHttpContainerAsync(new HttpContainerOptions { Labels = SeedLabels }, cts.Token);
        var bad = await docker.RunHttpContainerAsync(new HttpContainerOptions { Labels = new Dictionary<string, string>(SeedLabels) { ["lb.publish"] = "eighty" } }, cts.Token);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await CliApp.RunAsync(["discover", "--docker", docker.Endpoint], output, error, cts.Token);

        Assert.Equal(CliApp.ExitOk, exitCode);
        var lines = output.ToString().Split('\n');
        Assert.StartsWith("NAME", lines[0], StringComparison.Ordinal);
        var goodRow = Assert.Single(lines, l => l.StartsWith(good.Name + " ", StringComparison.Ordinal));
        Assert.Contains($"bridge={good.IpAddressOn("bridge")}", goodRow, StringComparison.Ordinal);
        Assert.EndsWith("serves :80 -> container :8080", goodRow, StringComparison.Ordinal);
        Assert.EndsWith("REJECTED, not served (see below)", Assert.Single(lines, l => l.StartsWith(bad.Name + " ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(
            $"error GITOPS310: container '{bad.Name}': label 'lb.publish' value 'eighty' is not a port number 1-65535; set it to the port clients connect to on the load balancer, e.g. lb.publish=80. The container is not served.",
            lines);
    }

    [Fact]
    public async Task Discover_UnreachableEndpoint_PrintsOneLineAndExitsTwo()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await CliApp.RunAsync(["discover", "--docker", "unix:///run/gitops-no-such-dir/docker.sock"], output, error, cts.Token);

        Assert.Equal(CliApp.ExitUsage, exitCode);
        Assert.Equal("", output.ToString());
        Assert.Equal(
            "error: cannot reach the Docker engine at unix:///run/gitops-no-such-dir/docker.sock: there is no socket at /run/gitops-no-such-dir/docker.sock; is dockerd running, and is this the endpoint it listens on?\n",
            error.ToString());
    }

    [Fact]
    public async Task Discover_TlsCaFileMissing_PrintsOneLineNamingTheFileAndFlagAndExitsTwo()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "gitops-no-such-dir", "ca.pem");

        var exitCode = await CliApp.RunAsync(
            ["discover", "--docker", "tcp://127.0.0.1:2376", "--docker-tls-ca", missing, "--docker-tls-cert", "/dev/null", "--docker-tls-key", "/dev/null"], output, error, cts.Token);

        Assert.Equal((CliApp.ExitUsage, ""), (exitCode, output.ToString()));
        Assert.Equal($"error: --docker-tls-ca: cannot read the Docker TLS CA certificate '{missing}': no such file\n", error.ToString());
    }

    [Fact]
    public async Task Discover_TlsOptionsWithAUnixSocket_PrintsOneLineAndExitsTwo()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await CliApp.RunAsync(["discover", "--docker", "unix:///run/docker.sock", "--docker-tls-ca", "/dev/null"], output, error, cts.Token);

        Assert.Equal(CliApp.ExitUsage, exitCode);
        Assert.StartsWith("error: TLS needs a tcp:// endpoint, but unix:///run/docker.sock is a unix socket", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Discover_WatchJson_PrintsOneLinePerChangeUntilCancelled()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        using var buffer = new StringWriter();
        using var output = TextWriter.Synchronized(buffer);
        using var error = new StringWriter();
        var running = CliApp.RunAsync(["discover", "--docker", docker.Endpoint, "--watch", "--format", "json", "--host", "lb7"], output, TextWriter.Synchronized(error), stop.Token);
        await WaitForLineAsync(output, buffer, line => line.Contains("\"change\":\"Resynced\"", StringComparison.Ordinal), cts.Token);

        var container = await docker.RunHttpContainerAsync(new HttpContainerOptions(), cts.Token);

        var started = await WaitForLineAsync(output, buffer, line => line.Contains("\"change\":\"ContainerStarted\"", StringComparison.Ordinal) && line.Contains(container.Id, StringComparison.Ordinal), cts.Token);
        await stop.CancelAsync();
        Assert.Equal(CliApp.ExitOk, await running);
        using var document = JsonDocument.Parse(started);
        Assert.Equal("lb7", document.RootElement.GetProperty("host").GetString());
        Assert.Equal(container.IpAddressOn("bridge"), document.RootElement.GetProperty("container").GetProperty("networks")[0].GetProperty("ipAddress").GetString());
    }

    private static async Task<string> WaitForLineAsync(TextWriter synchronized, StringWriter buffer, Func<string, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            string text;
            lock (synchronized)
            {
                text = buffer.ToString();
            }

            if (text.Split('\n').FirstOrDefault(match) is { } line)
            {
                return line;
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
