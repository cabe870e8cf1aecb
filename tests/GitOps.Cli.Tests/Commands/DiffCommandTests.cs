using GitOps.Testing;
using GitOps.Testing.Git;
using Xunit;

namespace GitOps.Cli.Tests.Commands;

public sealed class DiffCommandTests
{
    private static readonly GoldenFiles Golden = new("GitOps.Cli.Tests");

    [Fact]
    public async Task Diff_OneChangedWeight_IsAOneLineChangeOnEveryHost()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        await ChangeLegacyWeightAsync(repo);

        var result = await CliRunner.RunAsync("diff", "--repo", repo.WorkTree, "--base", "HEAD~1", "--head", "HEAD");

        Assert.Equal(0, result.ExitCode);
        var changed = result.OutputLines.Where(l => l.Length > 0 && l[0] is '+' or '-' && !l.StartsWith("+++", StringComparison.Ordinal) && !l.StartsWith("---", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "-    server legacy 192.0.2.10:8080 check inter 5s rise 2 fall 3 weight 50",
                "+    server legacy 192.0.2.10:8080 check inter 5s rise 2 fall 3 weight 80",
                "-    server legacy 192.0.2.10:8080 check inter 5s rise 2 fall 3 weight 50",
                "+    server legacy 192.0.2.10:8080 check inter 5s rise 2 fall 3 weight 80",
            ],
            changed);
        Assert.Contains("--- a/lb1.cfg (HEAD~1)", result.OutputLines);
        Assert.Contains("+++ b/lb2.cfg (HEAD)", result.OutputLines);
    }

    [Fact]
    public async Task Diff_ExitCodeOption_ExitsOneOnChangeAndZeroWithout()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        await ChangeLegacyWeightAsync(repo);

        var changed = await CliRunner.RunAsync("diff", "--repo", repo.WorkTree, "--base", "HEAD~1", "--head", "HEAD", "--exit-code");
        var same = await CliRunner.RunAsync("diff", "--repo", repo.WorkTree, "--base", "HEAD", "--head", "HEAD", "--exit-code");

        Assert.Equal(1, changed.ExitCode);
        Assert.Equal(0, same.ExitCode);
        Assert.Equal(string.Empty, same.Output);
    }

    [Fact]
    public async Task Diff_RevertedChange_RendersByteIdenticalConfiguration()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        var original = await ExampleRepository.CommitAsync(repo);
        var change = await ChangeLegacyWeightAsync(repo);
        var revert = await repo.RevertAsync(change);

        var result = await CliRunner.RunAsync("diff", "--repo", repo.WorkTree, "--base", original, "--head", revert, "--exit-code");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
    }

    [Fact]
    public async Task Diff_Markdown_CarriesBothValidationResultsAndFencedDiffs()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        var baseSha = await ExampleRepository.CommitAsync(repo);
        var headSha = await ChangeLegacyWeightAsync(repo);

        var result = await CliRunner.RunAsync("diff", "--repo", repo.WorkTree, "--base", baseSha, "--head", headSha, "--format", "markdown", "--host", "lb1");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"| base | `{baseSha}` | `{baseSha[..12]}` Example desired state | ✅ valid: 4 services, 0 warnings |", result.OutputLines);
        Assert.Contains($"| head | `{headSha}` | `{headSha[..12]}` api: legacy weight 80 | ✅ valid: 4 services, 0 warnings |", result.OutputLines);
        Assert.Contains("#### `lb1`: +1 −1", result.OutputLines);
        Assert.Contains("```diff", result.OutputLines);
        Assert.DoesNotContain("lb2", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_InvalidHead_ShowsErrorsAndExitsOne()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        repo.WriteFile("services/api.yaml", repo.ReadFile("services/api.yaml").Replace("port: 80,", "port: 0,", StringComparison.Ordinal));

        var text = await CliRunner.RunAsync("diff", "--repo", repo.WorkTree, "--base", "HEAD");
        var markdown = await CliRunner.RunAsync("diff", "--repo", repo.WorkTree, "--base", "HEAD", "--format", "markdown");

        Assert.Equal(1, text.ExitCode);
        Assert.Contains("gitops: head working tree (working tree) is invalid:", text.Error, StringComparison.Ordinal);
        Assert.Contains("services/api.yaml:7:17: error GITOPS013", text.Error, StringComparison.Ordinal);
        Assert.Equal(1, markdown.ExitCode);
        Assert.Contains("| head | `working tree` | working tree | ❌ invalid: 1 error |", markdown.OutputLines);
        Assert.Contains("services/api.yaml:7:17: error GITOPS013", markdown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_CommitSubjectWithMarkdownSyntax_IsEscapedInTheTable()
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        repo.WriteFile("services/api.yaml", repo.ReadFile("services/api.yaml").Replace("weight: 50", "weight: 80", StringComparison.Ordinal));
        var head = await repo.CommitAsync("pipe | and <b>tag</b>");

        var result = await CliRunner.RunAsync("diff", "--repo", repo.WorkTree, "--base", "HEAD~1", "--head", head, "--format", "markdown");

        Assert.Contains(@"pipe \| and &lt;b&gt;tag&lt;/b&gt;", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("markdown")]
    public async Task Diff_ServiceRemovedAndWeightChanged_IsTheGoldenOutput(string format)
    {
        await using var repo = await GitRepoBuilder.CreateAsync();
        await ExampleRepository.CommitAsync(repo);
        await ChangeLegacyWeightAsync(repo);
        repo.DeleteFile("services/postgres.yaml");
        var head = await repo.CommitAsync("postgres: removed");
        var @base = await repo.GitAsync(["rev-parse", "HEAD~2"]);

        var result = await CliRunner.RunAsync("diff", "--repo", repo.WorkTree, "--base", "HEAD~2", "--head", "HEAD", "--format", format);

        Assert.Equal(0, result.ExitCode);
        var output = result.Output.Replace(@base.Trim()[..12], "<base>", StringComparison.Ordinal).Replace(head[..12], "<head>", StringComparison.Ordinal);
        Golden.AssertMatches("diff", $"weight-changed-postgres-removed.{format}", output);
    }

    private static async Task<string> ChangeLegacyWeightAsync(GitRepoBuilder repo)
    {
        repo.WriteFile("services/api.yaml", repo.ReadFile("services/api.yaml").Replace("weight: 50", "weight: 80", StringComparison.Ordinal));
        return await repo.CommitAsync("api: legacy weight 80");
    }
}
