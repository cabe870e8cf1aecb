using Xunit;

namespace GitOps.Cli.Tests.Commands;

public sealed class HelpTests
{
    [Theory]
    [InlineData("validate", "--repo", "--git-ssh-key", "--rev", "--format", "--check-haproxy")]
    [InlineData("render", "--repo", "--git-ssh-key", "--rev", "--host", "--discovery", "--output-dir")]
    [InlineData("diff", "--repo", "--git-ssh-key", "--base", "--head", "--host", "--format", "--exit-code")]
    [InlineData("up", "--repo", "--git-ssh-key", "--store", "--docker", "--docker-tls-ca", "--docker-tls-cert", "--docker-tls-key", "--data-dir", "--host", "--bind", "--haproxy", "--postgres-bin", "--dashboard", "--webhook-secret-file", "--users-file", "--commit-status", "--commit-status-api", "--commit-status-token-file")]
    [InlineData("agent", "--host", "--store", "--data-dir", "--docker", "--docker-tls-ca", "--docker-tls-cert", "--docker-tls-key", "--runtime-dir", "--drift-interval", "--file-check-interval", "--drain-timeout", "--stop-haproxy-on-exit", "--haproxy")]
    [InlineData("discover", "--docker", "--docker-tls-ca", "--docker-tls-cert", "--docker-tls-key", "--watch", "--format", "--host")]
    [InlineData("rollback", "--store", "--data-dir", "--host", "--to", "--actor", "--wait")]
    [InlineData("controller", "--repo", "--git-ssh-key", "--store", "--runtime-dir", "--bind", "--haproxy", "--dashboard", "--webhook-secret-file", "--users-file", "--commit-status")]
    [InlineData("dashboard-user", "--name", "--role", "--token")]
    public async Task Help_EveryCommand_DescribesItsOptions(string command, params string[] options)
    {
        var result = await CliRunner.RunAsync(command, "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in options)
        {
            Assert.Contains(option, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DashboardUser_Token_PrintsAUsersFileLineThatAcceptsTheTokenShownOnce()
    {
        var result = await CliRunner.RunAsync("dashboard-user", "--name", "ci", "--role", "operator", "--token");

        Assert.Equal(0, result.ExitCode);
        var token = result.Error.Trim().Split(' ')[^1];
        var users = GitOps.Web.Access.DashboardUsers.Parse(result.Output, "users");
        Assert.Equal(("ci", GitOps.Web.Access.DashboardRole.Operator), users.FromToken(token));
        Assert.StartsWith("ci operator sha256$", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOption_ExitsTwo()
    {
        var result = await CliRunner.RunAsync("validate", "--no-such-option");

        Assert.Equal(2, result.ExitCode);
    }
}
