using GitOps.Core.Desired;
using GitOps.Testing.Git;
using Xunit;

namespace GitOps.Git.Tests;

public sealed class GitRepositoryMirrorTests : IAsyncLifetime
{
    private GitRepoBuilder _repo = null!;
    private GitRepositoryOptions _options = null!;

    public async Task InitializeAsync()
    {
        _repo = await GitRepoBuilder.CreateAsync();
        _options = new GitRepositoryOptions { MirrorCacheDirectory = Path.Combine(_repo.Root, "mirrors") };
    }

    public async Task DisposeAsync() => await _repo.DisposeAsync();

    [Fact]
    public async Task OpenAsync_FileUrl_ClonesOnceAndFetchesOnlyWhenTheRemoteMoved()
    {
        _repo.WriteFile("services/web.yaml", "v1\n");
        var first = await _repo.CommitAsync("v1");
        var url = await _repo.CreateRemoteAsync();

        var cloned = await GitRepository.OpenAsync(url, _options);
        var fetchHead = Path.Combine(cloned.GitDirectory, "FETCH_HEAD");
        Assert.Equal(MirrorUpdate.Cloned, cloned.LastMirrorUpdate);
        Assert.True(cloned.IsRemote);
        Assert.Null(cloned.WorkTree);
        Assert.Equal(first, (await cloned.ReadAsync(revision: null)).Commit!.Sha);

        _repo.WriteFile("services/web.yaml", "v2\n");
        var second = await _repo.CommitAsync("v2");
        await _repo.PushAsync();

        var fetched = await GitRepository.OpenAsync(url, _options);
        Assert.Equal(MirrorUpdate.Fetched, fetched.LastMirrorUpdate);
        Assert.Equal(cloned.GitDirectory, fetched.GitDirectory);
        var snapshot = await fetched.ReadAsync(revision: null);
        Assert.Equal(second, snapshot.Commit!.Sha);
        Assert.Equal([new("services/web.yaml", "v2\n")], snapshot.Files.ToArray<RepositoryFile>());
        var fetchedAt = File.GetLastWriteTimeUtc(fetchHead);

        var unchanged = await GitRepository.OpenAsync(url, _options);
        Assert.Equal(MirrorUpdate.UpToDate, unchanged.LastMirrorUpdate);
        Assert.Equal(MirrorUpdate.UpToDate, await unchanged.RefreshAsync());
        Assert.Equal(fetchedAt, File.GetLastWriteTimeUtc(fetchHead));
        Assert.Equal(first, (await unchanged.ReadCommitAsync("HEAD~1")).Commit!.Sha);
    }

    [Fact]
    public async Task OpenAsync_SameUrlConcurrently_ClonesOnceAndTheOtherWaits()
    {
        var sha = await _repo.CommitAsync("first");
        var url = await _repo.CreateRemoteAsync();

        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => GitRepository.OpenAsync(url, _options)));

        Assert.Equal(
            [MirrorUpdate.Cloned, MirrorUpdate.UpToDate, MirrorUpdate.UpToDate, MirrorUpdate.UpToDate],
            opened.Select(g => g.LastMirrorUpdate).Order().ToArray());
        Assert.Single(Directory.GetDirectories(_options.MirrorCacheDirectory!));
        Assert.All(await Task.WhenAll(opened.Select(g => g.ResolveAsync("main"))), c => Assert.Equal(sha, c.Sha));
    }

    [Fact]
    public async Task RefreshAsync_NewTagOnTheRemote_FetchesIt()
    {
        var first = await _repo.CommitAsync("first");
        var url = await _repo.CreateRemoteAsync();
        var git = await GitRepository.OpenAsync(url, _options);
        await _repo.TagAsync("v1", "release 1");
        await _repo.PushAsync();

        Assert.Equal(MirrorUpdate.Fetched, await git.RefreshAsync());

        Assert.Equal(first, (await git.ResolveAsync("v1")).Sha);
    }

    [Fact]
    public async Task RefreshAsync_RemoteDefaultBranchChanged_HeadFollowsIt()
    {
        await _repo.CommitAsync("first");
        await _repo.CreateBranchAsync("release");
        await _repo.CheckoutAsync("release");
        var release = await _repo.CommitAsync("on release");
        var url = await _repo.CreateRemoteAsync();
        await _repo.PushAsync();
        var git = await GitRepository.OpenAsync(url, _options);
        await _repo.GitAsync(["--git-dir", _repo.RemotePath, "symbolic-ref", "HEAD", "refs/heads/release"]);

        Assert.Equal(MirrorUpdate.UpToDate, await git.RefreshAsync());

        Assert.Equal(release, (await git.ResolveAsync("HEAD")).Sha);
    }

    [Fact]
    public async Task OpenAsync_UnreachableUrl_ThrowsRemoteUnreachableAndLeavesNoMirror()
    {
        var missing = Path.Combine(_repo.Root, "nonexistent.git");
        var url = new Uri(missing).AbsoluteUri;

        var error = await Assert.ThrowsAsync<RemoteUnreachableException>(() => GitRepository.OpenAsync(url, _options));

        Assert.Equal($"cannot reach remote repository '{url}': '{missing}' does not appear to be a git repository", error.Message);
        Assert.IsAssignableFrom<GitSourceException>(error);
        Assert.Empty(Directory.GetDirectories(_options.MirrorCacheDirectory!));
    }

    [Fact]
    public async Task RefreshAsync_RemoteGoneAfterClone_ThrowsRemoteUnreachable()
    {
        await _repo.CommitAsync("first");
        var url = await _repo.CreateRemoteAsync();
        var git = await GitRepository.OpenAsync(url, _options);
        Directory.Delete(_repo.RemotePath, recursive: true);

        var error = await Assert.ThrowsAsync<RemoteUnreachableException>(() => git.RefreshAsync());

        Assert.StartsWith($"cannot reach remote repository '{url}': ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListRemoteRefsAsync_FileUrl_ListsBranchesAndTags()
    {
        var first = await _repo.CommitAsync("first");
        await _repo.TagAsync("v1");
        var url = await _repo.CreateRemoteAsync();

        var refs = await GitRepository.ListRemoteRefsAsync(url, _options);

        Assert.Equal([new("refs/heads/main", first), new("refs/tags/v1", first)], refs.ToArray());
        Assert.False(Directory.Exists(_options.MirrorCacheDirectory));
    }

    [Fact]
    public async Task ListRemoteRefsAsync_HttpsUrlWithPassword_NeverShowsThePassword()
    {
        var port = GitOps.Testing.Network.LoopbackPorts.GetFree();
        var url = $"https://deploy:s3cret-token@127.0.0.1:{port}/org/repo.git";

        var error = await Assert.ThrowsAsync<RemoteUnreachableException>(() => GitRepository.ListRemoteRefsAsync(url, _options));

        Assert.StartsWith($"cannot reach remote repository 'https://***@127.0.0.1:{port}/org/repo.git': ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.InnerException?.Message ?? "", StringComparison.Ordinal);
    }
}
