using GitOps.Cli;
using GitOps.Processes;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace GitOps.EndToEnd.Tests.Deploy;

/// <summary>
/// The deployment files are checked by the real docker-compose, and every gitops command line in
/// them is parsed by the real command tree, so a renamed option breaks this test, not a deployment.
/// </summary>
public sealed class DeployFilesTests
{
    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["GITOPS_STORE_HOST"] = "10.0.0.1",
        ["GITOPS_HOST"] = null,
        ["GITOPS_REPO"] = null,
    };

    [Theory]
    [InlineData("docker-compose.yml", new[] { "controller", "agent" })]
    [InlineData("deploy/two-hosts/host-a.yml", new[] { "controller", "agent" })]
    [InlineData("deploy/two-hosts/host-b.yml", new[] { "controller", "agent" })]
    public async Task ComposeFile_DockerComposeConfig_AcceptsItAndEveryGitopsCommandParses(string file, string[] gitopsServices)
    {
        var compose = ProcessRunner.FindOnPath("docker-compose")
            ?? throw new InvalidOperationException("docker-compose is not installed; run deploy/setup.sh");
        var path = Path.Combine(Root, file);

        var result = await ProcessRunner.RunAsync(compose, ["-f", path, "config"], new ProcessOptions { Environment = Environment });

        Assert.True(result.Succeeded, result.StandardError);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(result.StandardOutput));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        foreach (var name in gitopsServices)
        {
            var service = (YamlMappingNode)services[name];
            var command = ((YamlSequenceNode)service["command"]).Children.Select(c => ((YamlScalarNode)c).Value!).ToArray();
            AssertParses(command, $"{file}: service {name}");
        }
    }

    [Theory]
    [InlineData("deploy/systemd/gitops-controller.service")]
    [InlineData("deploy/systemd/gitops-agent@.service")]
    public async Task SystemdUnit_ExecStart_ParsesAsAGitopsCommand(string file)
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(Root, file));
        var execStart = Assert.Single(lines, l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        var words = execStart["ExecStart=".Length..]
            .Replace("%i", "lb1", StringComparison.Ordinal)
            .Replace("${GITOPS_REPO}", "https://git.example.com/lb.git", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("/usr/local/bin/gitops", words[0]);
        AssertParses(words[1..], file);
    }

    [Fact]
    public async Task AgentUnit_KillMode_StopsTheAgentAloneSoHAProxyKeepsServing()
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(Root, "deploy/systemd/gitops-agent@.service"));

        Assert.Contains("KillMode=process", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("ExecStart=", StringComparison.Ordinal) && l.Contains("--stop-haproxy-on-exit", StringComparison.Ordinal));
    }

    private static void AssertParses(string[] command, string where)
    {
        var parse = CliApp.BuildRootCommand().Parse(command);
        Assert.True(parse.Errors.Count == 0, $"{where}: `gitops {string.Join(' ', command)}`: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        Assert.Equal(command[0], parse.CommandResult.Command.Name);
    }

    private static string Root
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "GitOps.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"GitOps.sln not found above {AppContext.BaseDirectory}");
        }
    }
}
