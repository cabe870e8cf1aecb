using System.Net;
using System.Net.Sockets;
using GitOps.Core.Desired;
using GitOps.Testing.Git;
using Xunit;

namespace GitOps.Git.Tests;

/// <summary>
/// Remotes over ssh:// against a real sshd on 127.0.0.1 (<see cref="SshServer"/>): the key from the
/// gitops option, from ssh's own config, or from GIT_SSH_COMMAND; a refused key, a missing repository and
/// a silent server fail with a one-line message carrying ssh's own words.
/// </summary>
public sealed class GitRepositorySshTests : IAsyncLifetime
{
    private GitRepoBuilder _repo = null!;
    private SshServer _ssh = null!;
    private string _mirrors = null!;

    public async Task InitializeAsync()
    {
        _repo = await GitRepoBuilder.CreateAsync();
        _ssh = await SshServer.StartAsync();
        _mirrors = Path.Combine(_repo.Root, "mirrors");
    }

    public async Task DisposeAsync()
    {
        await _ssh.DisposeAsync();
        await _repo.DisposeAsync();
    }

    [Fact]
    public async Task OpenAsync_SshUrlWithTheKeyOption_MirrorsAndFetchesANewCommit()
    {
        _repo.WriteFile("services/web.yaml", "v1\n");
        var first = await _repo.CommitAsync("v1");
        await _repo.CreateRemoteAsync();
        var url = _ssh.UrlOf(_repo.RemotePath);
        var options = Options(sshCommand: $"ssh -F '{_ssh.ConfigWithoutKey}'") with { SshKeyFile = _ssh.ClientKey };

        var git = await GitRepository.OpenAsync(url, options);
        Assert.Equal(MirrorUpdate.Cloned, git.LastMirrorUpdate);
        Assert.Equal(first, (await git.ReadAsync(revision: null)).Commit!.Sha);

        _repo.WriteFile("services/web.yaml", "v2\n");
        var second = await _repo.CommitAsync("v2");
        await _repo.TagAsync("v2", "release 2");
        await _repo.PushAsync();

        Assert.Equal(MirrorUpdate.Fetched, await git.RefreshAsync());
        var snapshot = await git.ReadCommitAsync("v2");
        Assert.Equal(second, snapshot.Commit!.Sha);
        Assert.Equal([new("services/web.yaml", "v2\n")], snapshot.Files.ToArray<RepositoryFile>());
        Assert.Equal(MirrorUpdate.UpToDate, await git.RefreshAsync());
        Assert.Contains(new GitRef("refs/heads/main", second), await GitRepository.ListRemoteRefsAsync(url, options));
    }

    [Fact]
    public async Task OpenAsync_KeyFromSshsOwnConfig_Clones()
    {
        var sha = await _repo.CommitAsync("first");
        await _repo.CreateRemoteAsync();

        var git = await GitRepository.OpenAsync(_ssh.UrlOf(_repo.RemotePath), Options(sshCommand: $"ssh -F '{_ssh.ConfigWithKey}'"));

        Assert.Equal(sha, (await git.ResolveAsync("HEAD")).Sha);
    }

    [Fact]
    public async Task OpenAsync_KeyInGitSshCommand_IsHonouredAsGitDoes()
    {
        var sha = await _repo.CommitAsync("first");
        await _repo.CreateRemoteAsync();
        var scpLike = $"{SshServer.User}@127.0.0.1:{_repo.RemotePath}";
        // scp-like addresses carry no port: the config names it, as an operator's ~/.ssh/config would.
        var config = Path.Combine(_ssh.Root, "ssh_config_port");
        await File.WriteAllTextAsync(config, $"Host 127.0.0.1\n  Port {_ssh.Port}\n" + await File.ReadAllTextAsync(_ssh.ConfigWithoutKey));

        var git = await GitRepository.OpenAsync(scpLike, Options(sshCommand: $"ssh -F '{config}' -i '{_ssh.ClientKey}'"));

        Assert.Equal(sha, (await git.ResolveAsync("main")).Sha);
    }

    [Fact]
    public async Task OpenAsync_WrongKey_FailsWithSshsOwnMessageAndLeavesNoMirror()
    {
        await _repo.CommitAsync("first");
        await _repo.CreateRemoteAsync();
        var url = _ssh.UrlOf(_repo.RemotePath);
        var options = Options(sshCommand: $"ssh -F '{_ssh.ConfigWithoutKey}'") with { SshKeyFile = _ssh.WrongKey };

        var error = await Assert.ThrowsAsync<RemoteUnreachableException>(() => GitRepository.OpenAsync(url, options));

        Assert.StartsWith($"cannot reach remote repository '{url}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Permission denied (publickey)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(Directory.Exists(_mirrors) && Directory.GetDirectories(_mirrors).Length > 0);
    }

    [Fact]
    public async Task OpenAsync_NoSuchRepositoryOnTheServer_SaysSoInGitsWords()
    {
        var missing = Path.Combine(_repo.Root, "missing.git");
        var url = _ssh.UrlOf(missing);

        var error = await Assert.ThrowsAsync<RemoteUnreachableException>(() => GitRepository.OpenAsync(url, Options(sshCommand: $"ssh -F '{_ssh.ConfigWithKey}'")));

        Assert.Equal($"cannot reach remote repository '{url}': '{missing}' does not appear to be a git repository", error.Message);
    }

    [Fact]
    public async Task OpenAsync_KeyOptionNamingAMissingFile_SaysWhichFile()
    {
        await _repo.CommitAsync("first");
        await _repo.CreateRemoteAsync();
        var key = Path.Combine(_ssh.Root, "no_such_key");

        var error = await Assert.ThrowsAsync<RemoteUnreachableException>(
            () => GitRepository.OpenAsync(_ssh.UrlOf(_repo.RemotePath), Options(sshCommand: null) with { SshKeyFile = key }));

        Assert.EndsWith($": ssh key file '{key}' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListRemoteRefsAsync_ServerThatNeverAnswers_IsKilledAtTheNetworkTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var url = $"ssh://{SshServer.User}@127.0.0.1:{port}/repo.git";
        var options = Options(sshCommand: $"ssh -F '{_ssh.ConfigWithKey}'") with { NetworkTimeout = TimeSpan.FromSeconds(2) };

        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RemoteUnreachableException>(() => GitRepository.ListRemoteRefsAsync(url, options));

        Assert.Contains("did not finish within 2 s", error.Message, StringComparison.Ordinal);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(15));
    }

    private GitRepositoryOptions Options(string? sshCommand) => new()
    {
        MirrorCacheDirectory = _mirrors,
        Environment = name => name == "GIT_SSH_COMMAND" ? sshCommand : null,
    };
}
