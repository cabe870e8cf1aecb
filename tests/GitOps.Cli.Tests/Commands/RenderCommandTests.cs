using GitOps.HAProxy.Validation;
using GitOps.Testing.Git;
using GitOps.Testing.Tls;
using Xunit;

namespace GitOps.Cli.Tests.Commands;

public sealed class RenderCommandTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>
{
    private const string Containers = """
        [
          {
            "Id": "4f2a9c0e1b7d4f2a9c0e1b7d4f2a9c0e1b7d4f2a9c0e1b7d4f2a9c0e1b7d0001",
            "Names": ["/web-1"],
            "Labels": { "app": "web" },
            "State": "running",
            "Status": "Up 5 seconds",
            "NetworkSettings": { "Networks": { "bridge": { "IPAddress": "172.17.0.5" } } }
          }
        ]
        """;

    [Fact]
    public async Task Render_OneHost_PrintsOnlyThatHostsConfiguration()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);

        var result = await CliRunner.RunAsync("render", "--repo", repo.WorkTree, "--host", "lb2");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("# HAProxy configuration of host lb2 ", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("host lb1", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("backend postgres", result.Output, StringComparison.Ordinal); // placed on lb1 only
    }

    [Fact]
    public async Task Render_WithDiscoveryFile_AddsTheContainerAsServerAndPassesHaproxyCheck()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo, certificates.PathOf("site"));
        var discovery = Path.Combine(repo.ScratchDirectory("discovery"), "containers.json");
        await File.WriteAllTextAsync(discovery, Containers);

        var result = await CliRunner.RunAsync("render", "--repo", repo.WorkTree, "--host", "lb1", "--discovery", discovery);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(result.OutputLines, line => line.TrimStart().StartsWith("server web-1 172.17.0.5:80 ", StringComparison.Ordinal));
        var check = await new HAProxyConfigChecker().CheckAsync(result.Output, CancellationToken.None);
        Assert.True(check.IsValid, check.Output);
    }

    [Fact]
    public async Task Render_OutputDirectory_WritesOneFilePerHost()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        var directory = repo.ScratchDirectory("out");

        var result = await CliRunner.RunAsync("render", "--repo", repo.WorkTree, "--output-dir", directory);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["lb1.cfg", "lb2.cfg"], Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.StartsWith("# HAProxy configuration of host lb1 ", await File.ReadAllTextAsync(Path.Combine(directory, "lb1.cfg")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_UnknownHost_NamesTheDeclaredHostsAndExitsTwo()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);

        var result = await CliRunner.RunAsync("render", "--repo", repo.WorkTree, "--host", "lb9");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("gitops: error: unknown host 'lb9': gitops.yaml declares 'lb1', 'lb2'; pass one of those to --host\n", result.Error);
    }

    [Fact]
    public async Task Render_MalformedDiscoveryFile_ExitsOneWithPositionedError()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        var discovery = Path.Combine(repo.ScratchDirectory("discovery"), "containers.json");
        await File.WriteAllTextAsync(discovery, "[{\"Id\": ");

        var result = await CliRunner.RunAsync("render", "--repo", repo.WorkTree, "--discovery", discovery);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{discovery}:1:", result.Error, StringComparison.Ordinal);
        Assert.Contains("error GITOPS301", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_InvalidDesiredState_RendersNothingAndExitsOne()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        repo.WriteFile("services/web.yaml", "apiVersion: gitops/v1\nkind: Service\nname: \"web\\nserver evil 1.2.3.4:80\"\n");

        var result = await CliRunner.RunAsync("render", "--repo", repo.WorkTree);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        Assert.Contains("services/web.yaml:3:7: error GITOPS012", result.Error, StringComparison.Ordinal);
    }
}
