using System.Text.Json;
using GitOps.Cli.Commands;
using GitOps.Testing.Git;
using GitOps.Testing.Tls;
using Xunit;

namespace GitOps.Cli.Tests.Commands;

public sealed class ValidateCommandTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>
{
    private const string BrokenService =
        "apiVersion: gitops/v1\n" +
        "kind: Service\n" +
        "name: x\n" +
        "listen: {port: 99999, mode: htp}\n" +
        "backend: {balanse: roundrobin, servers: [{name: a, address: \"10.0.0.1:80\"}]}\n";

    [Fact]
    public async Task Validate_ExampleRepository_ExitsZeroWithSummary()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        var sha = await ExampleRepository.CommitAsync(repo);

        var result = await CliRunner.RunAsync("validate", "--repo", repo.WorkTree, "--rev", "main");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"valid: 4 services on 2 hosts (lb1, lb2), 0 warnings, in commit {sha[..12]} (Example desired state)\n", result.Output);
    }

    [Fact]
    public async Task Validate_BrokenService_PrintsEveryPositionedErrorAndExitsOne()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        repo.WriteFile("services/x.yaml", BrokenService);

        var result = await CliRunner.RunAsync("validate", "--repo", repo.WorkTree);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            [
                "services/x.yaml:4:16: error GITOPS013: port 99999 at 'listen.port' is out of range; use a port between 1 and 65535",
                "services/x.yaml:4:29: error GITOPS011: 'listen.mode' is 'htp'; did you mean 'http'?",
                "services/x.yaml:5:11: error GITOPS005: unknown key 'backend.balanse'; did you mean 'balance'?",
                "invalid: 3 errors, 0 warnings in working tree",
            ],
            result.OutputLines);
    }

    [Fact]
    public async Task Validate_JsonFormat_ListsDiagnosticsWithPositions()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        repo.WriteFile("services/x.yaml", BrokenService);

        var result = await CliRunner.RunAsync("validate", "--repo", repo.WorkTree, "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var first = json.RootElement.GetProperty("diagnostics")[0];
        Assert.Equal("services/x.yaml", first.GetProperty("file").GetString());
        Assert.Equal(4, first.GetProperty("line").GetInt32());
        Assert.Equal(16, first.GetProperty("column").GetInt32());
        Assert.Equal("GITOPS013", first.GetProperty("code").GetString());
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("diagnostics").GetArrayLength());
    }

    [Fact]
    public async Task Validate_NotARepository_PrintsOneLineAndExitsTwo()
    {
        var directory = Directory.CreateTempSubdirectory("gitops-not-a-repo-");
        try
        {
            var result = await CliRunner.RunAsync("validate", "--repo", directory.FullName);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal(string.Empty, result.Output);
            Assert.StartsWith($"gitops: error: '{directory.FullName}' is not a git repository", result.Error, StringComparison.Ordinal);
            Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    public async Task Validate_UnknownRevision_ExitsTwo()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);

        var result = await CliRunner.RunAsync("validate", "--repo", repo.WorkTree, "--rev", "no-such-branch");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"gitops: error: unknown revision 'no-such-branch' in '{repo.WorkTree}'\n", result.Error);
    }

    [Fact]
    public async Task Validate_RemoteUrl_ReadsThroughTheMirror()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        var url = await repo.CreateRemoteAsync();
        var cache = repo.ScratchDirectory("cache");
        var previous = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", cache);
        CliResult result;
        try
        {
            result = await CliRunner.RunAsync("validate", "--repo", url);
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", previous);
        }

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("valid: 4 services on 2 hosts", result.Output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetDirectories(Path.Combine(cache, "gitops", "mirrors")));
    }

    [Fact]
    public async Task Validate_UnreachableRemote_PrintsOneLineAndExitsTwo()
    {
        var result = await CliRunner.RunAsync("validate", "--repo", "file:///nonexistent/gitops-test/remote.git");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("gitops: error: cannot reach remote repository 'file:///nonexistent/gitops-test/remote.git'", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Validate_GitSshKeyNamingNoFile_IsRefusedBeforeAnythingRuns()
    {
        var key = Path.Combine(Path.GetTempPath(), "gitops-no-such-key-" + Guid.NewGuid().ToString("N"));

        var result = await CliRunner.RunAsync("validate", "--repo", "git@example.invalid:org/repo.git", "--git-ssh-key", key);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--git-ssh-key: ssh key file '{key}' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void GitSourceOptions_KeyFromTheEnvironment_IsCheckedAndTheOptionWins()
    {
        var missing = Path.Combine(Path.GetTempPath(), "gitops-no-such-key-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<CommandInputException>(() => GitSourceOptions.Resolve(option: null, environment: missing));

        Assert.Equal($"$GITOPS_GIT_SSH_KEY: ssh key file '{missing}' does not exist", error.Message);
        Assert.Equal("/keys/deploy", GitSourceOptions.Resolve(option: "/keys/deploy", environment: missing).SshKeyFile);
        Assert.Null(GitSourceOptions.Resolve(option: null, environment: "").SshKeyFile);
    }

    [Fact]
    public async Task Validate_CheckHAProxy_ExampleWithPresentCertificate_PassesRealHaproxyCheck()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo, certificates.PathOf("site"));

        var result = await CliRunner.RunAsync("validate", "--repo", repo.WorkTree, "--check-haproxy");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.StartsWith("valid: 4 services on 2 hosts", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_CheckHAProxy_MissingCertificate_ReportsHaproxyAlertAndExitsOne()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo, "/nonexistent/gitops-test/missing.pem");

        var result = await CliRunner.RunAsync("validate", "--repo", repo.WorkTree, "--check-haproxy");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error GITOPS500: haproxy -c rejected the configuration of host 'lb1'", result.Output, StringComparison.Ordinal);
        Assert.Contains("missing.pem", result.Output, StringComparison.Ordinal);
    }
}
