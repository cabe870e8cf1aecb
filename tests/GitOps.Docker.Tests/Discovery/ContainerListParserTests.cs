using GitOps.Core.Diagnostics;
using GitOps.Core.Discovery;
using GitOps.Docker.Discovery;
using Xunit;

namespace GitOps.Docker.Tests.Discovery;

public sealed class ContainerListParserTests
{
    // Shaped like the output of Docker Engine API v1.41 GET /containers/json (fields trimmed).
    private const string RealShaped = """
        [
          {
            "Id": "8dfafdbc3a40aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "Names": ["/web-1"],
            "Image": "gitops-test/busybox",
            "Command": "httpd -f -p 80",
            "Created": 1700000000,
            "Labels": { "app": "web", "com.docker.compose.project": "shop", "com.docker.compose.service": "web" },
            "State": "running",
            "Status": "Up 3 seconds (healthy)",
            "HostConfig": { "NetworkMode": "bridge" },
            "NetworkSettings": { "Networks": {
              "frontend": { "IPAMConfig": null, "NetworkID": "n1", "IPAddress": "172.18.0.2", "Gateway": "172.18.0.1" },
              "bridge": { "IPAMConfig": null, "NetworkID": "n0", "IPAddress": "172.17.0.2", "Gateway": "172.17.0.1" }
            } },
            "Mounts": []
          },
          {
            "Id": "9ebbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            "Names": ["/other/alias", "/web-2"],
            "Labels": {},
            "State": "running",
            "Status": "Up 1 second (health: starting)",
            "NetworkSettings": { "Networks": { "bridge": { "IPAddress": "172.17.0.3" } } }
          },
          {
            "Id": "0acccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
            "Names": ["/web-3"],
            "Labels": null,
            "State": "running",
            "Status": "Up 2 minutes (unhealthy)",
            "NetworkSettings": { "Networks": { "host": { "IPAddress": "" } } }
          },
          {
            "Id": "1bdddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
            "Names": ["/batch"],
            "Labels": { "app": "batch" },
            "State": "exited",
            "Status": "Exited (0) 5 minutes ago",
            "NetworkSettings": { "Networks": {} }
          }
        ]
        """;

    [Fact]
    public void Parse_RealShapedList_ReadsEveryContainerInNameOrder()
    {
        var result = ContainerListParser.Parse(RealShaped, "containers.json");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(["batch", "web-1", "web-2", "web-3"], result.Containers.Select(c => c.Name));
        var web1 = result.Containers[1];
        Assert.Equal(ContainerHealth.Healthy, web1.Health);
        Assert.True(web1.IsRoutable);
        Assert.Equal("shop", web1.Labels["com.docker.compose.project"]);
        Assert.Equal([new ContainerNetwork("bridge", "172.17.0.2"), new ContainerNetwork("frontend", "172.18.0.2")], web1.Networks);
    }

    [Fact]
    public void Parse_HealthStates_MapToRoutability()
    {
        var result = ContainerListParser.Parse(RealShaped, "containers.json");
        var byName = result.Containers.ToDictionary(c => c.Name);

        Assert.Equal(ContainerHealth.Starting, byName["web-2"].Health);
        Assert.False(byName["web-2"].IsRoutable);
        Assert.Equal(ContainerHealth.Unhealthy, byName["web-3"].Health);
        Assert.False(byName["web-3"].IsRoutable);
        Assert.Empty(byName["web-3"].Networks);
        Assert.Equal(ContainerHealth.None, byName["batch"].Health);
        Assert.False(byName["batch"].IsRoutable);
    }

    [Theory]
    [InlineData("Up 3 seconds", ContainerHealth.None)]
    [InlineData("Up 3 seconds (healthy)", ContainerHealth.Healthy)]
    [InlineData("Up 3 seconds (health: starting)", ContainerHealth.Starting)]
    [InlineData("Up 2 hours (unhealthy)", ContainerHealth.Unhealthy)]
    [InlineData(null, ContainerHealth.None)]
    public void ReadHealth_StatusText_MapsToHealth(string? status, ContainerHealth expected) =>
        Assert.Equal(expected, DockerContainers.HealthFromStatusText(status));

    [Fact]
    public void Parse_LinkAliasListedFirst_UsesOwnName()
    {
        var result = ContainerListParser.Parse(RealShaped, "containers.json");

        Assert.Contains(result.Containers, c => c.Name == "web-2");
    }

    [Fact]
    public void Parse_TruncatedJson_ReportsPositionAndNoContainers()
    {
        var result = ContainerListParser.Parse("[\n  {\"Id\": \"abc\",\n  \"Names\": [\"/x\"", "snap.json");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(DiscoveryDiagnostics.InvalidJson, diagnostic.Code);
        Assert.Equal("snap.json", diagnostic.Location!.File);
        Assert.Equal(3, diagnostic.Location.Line);
        Assert.Empty(result.Containers);
        Assert.True(result.HasErrors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("\"text\"")]
    public void Parse_NotAnArray_ReportsError(string json)
    {
        var result = ContainerListParser.Parse(json, "snap.json");

        Assert.True(result.HasErrors);
        Assert.Empty(result.Containers);
    }

    [Fact]
    public void Parse_TrailingGarbage_ReportsError()
    {
        var result = ContainerListParser.Parse("[] x", "snap.json");

        Assert.True(result.HasErrors);
    }

    [Fact]
    public void Parse_BadItems_LeftOutWithPositionedDiagnostics()
    {
        const string json = """
            [
              42,
              { "Names": ["/no-id"], "State": "running" },
              { "Id": "ab12", "Names": ["/bad name\n#x"], "State": "running" },
              { "Id": "ab13", "Names": ["/no-state"] },
              { "Id": "ab14", "Names": ["/bad-labels"], "State": "running", "Labels": { "a": 1 } },
              { "Id": "ab15", "Names": ["/good"], "State": "running" }
            ]
            """;

        var result = ContainerListParser.Parse(json, "snap.json");

        Assert.Equal(["good"], result.Containers.Select(c => c.Name));
        Assert.Equal(5, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal(DiscoveryDiagnostics.InvalidContainer, d.Code));
        Assert.Equal([2, 3, 4, 5, 6], result.Diagnostics.Select(d => d.Location!.Line));
        Assert.Equal("snap.json:2:3: error GITOPS302: item 0 is a JSON number, expected a container object; the item is ignored", result.Diagnostics[0].ToString());
        Assert.Contains("item 4 (container ab14) 'bad-labels'", result.Diagnostics[4].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HostileNetwork_DroppedWithWarning()
    {
        const string json = """
            [ { "Id": "ab15", "Names": ["/good"], "State": "running", "NetworkSettings": { "Networks": {
                  "evil net\n#": { "IPAddress": "10.0.0.1" },
                  "odd": { "IPAddress": "10.0.0.1 backup" },
                  "fine": { "IPAddress": "10.0.0.2" } } } } ]
            """;

        var result = ContainerListParser.Parse(json, "snap.json");

        Assert.Equal([new ContainerNetwork("fine", "10.0.0.2")], Assert.Single(result.Containers).Networks);
        Assert.Equal(2, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains("network name 'evil net\\u000a#'", result.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.False(result.HasErrors);
    }
}
