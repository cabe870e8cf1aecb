using System.Text;
using GitOps.Core.Desired;
using GitOps.Testing.Git;
using Xunit;

namespace GitOps.Git.Tests;

public sealed class GitRepositoryTests : IAsyncLifetime
{
    private GitRepoBuilder _repo = null!;

    public async Task InitializeAsync() => _repo = await GitRepoBuilder.CreateAsync();

    public async Task DisposeAsync() => await _repo.DisposeAsync();

    [Fact]
    public async Task ReadCommitAsync_Head_ReturnsDesiredStateFilesAndCommitInfo()
    {
        _repo.WriteFile("gitops.yaml", "hosts: [lb1]\n")
            .WriteFile("services/web.yaml", "name: web\n")
            .WriteFile("services/api.yml", "name: api\n")
            .WriteFile("services/README.md", "not yaml\n")
            .WriteFile("other.yaml", "outside\n");
        var sha = await _repo.CommitAsync("Add web\n\nWith a body line.");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var snapshot = await git.ReadCommitAsync("HEAD");

        Assert.Equal(
            [new("gitops.yaml", "hosts: [lb1]\n"), new("services/api.yml", "name: api\n"), new("services/web.yaml", "name: web\n")],
            snapshot.Files.ToArray<RepositoryFile>());
        var commit = Assert.IsType<CommitInfo>(snapshot.Commit);
        Assert.Equal(sha, commit.Sha);
        Assert.Empty(commit.Parents);
        Assert.Equal(GitRepoBuilder.AuthorName, commit.Author);
        Assert.Equal(GitRepoBuilder.AuthorEmail, commit.AuthorEmail);
        Assert.Equal(GitRepoBuilder.FirstCommitDate, commit.AuthoredAt);
        Assert.Equal("Add web\n\nWith a body line.", commit.Message);
        Assert.Equal("Add web", commit.Subject);
    }

    [Fact]
    public async Task ReadCommitAsync_OlderCommit_ReturnsItsFilesWithoutTouchingTheWorkTree()
    {
        _repo.WriteFile("services/web.yaml", "version: 1\n");
        var first = await _repo.CommitAsync("v1");
        _repo.WriteFile("services/web.yaml", "version: 2\n").WriteFile("services/api.yaml", "api\n");
        var second = await _repo.CommitAsync("v2");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var old = await git.ReadCommitAsync(first);
        var head = await git.ReadCommitAsync("HEAD");

        Assert.Equal([new("services/web.yaml", "version: 1\n")], old.Files.ToArray<RepositoryFile>());
        Assert.Equal([first], head.Commit!.Parents.ToArray<string>());
        Assert.Equal(2, head.Files.Count);
        Assert.Equal("version: 2\n", _repo.ReadFile("services/web.yaml"));
        Assert.Equal(second, await _repo.HeadAsync());
        Assert.Equal("", await _repo.GitAsync(["status", "--porcelain"]));
    }

    [Fact]
    public async Task ReadCommitAsync_RevertCommit_RestoresThePreviousContentByteForByte()
    {
        const string original = "name: web\r\nnote: \"naïve café ✓ 🚀\"\r\n\tkeep: trailing spaces   \r\n";
        _repo.WriteFile("services/web.yaml", original).WriteFile("services/gone.yaml", "x: 1\n");
        var good = await _repo.CommitAsync("good");
        _repo.WriteFile("services/web.yaml", "name: broken\n").DeleteFile("services/gone.yaml");
        var bad = await _repo.CommitAsync("bad");
        var revert = await _repo.RevertAsync(bad);
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var before = await git.ReadCommitAsync(good);
        var reverted = await git.ReadCommitAsync(revert);

        Assert.Equal(before.Files, reverted.Files);
        Assert.Equal(original, reverted.Files.Single(f => f.Path == "services/web.yaml").Content);
        Assert.Equal($"Revert \"bad\"\n\nThis reverts commit {bad}.", reverted.Commit!.Message);
        Assert.Equal([bad], reverted.Commit.Parents.ToArray<string>());
    }

    [Fact]
    public async Task ResolveAsync_BranchesTagsAncestryAndShortShas_ResolveToTheirCommits()
    {
        var first = await _repo.CommitAsync("first");
        await _repo.TagAsync("v1");
        await _repo.TagAsync("v1-annotated", "release 1");
        await _repo.CreateBranchAsync("feature");
        var second = await _repo.CommitAsync("second");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        Assert.Equal(second, (await git.ResolveAsync("main")).Sha);
        Assert.Equal(second, (await git.ResolveAsync("HEAD")).Sha);
        Assert.Equal(second, (await git.ResolveAsync("refs/heads/main")).Sha);
        Assert.Equal(first, (await git.ResolveAsync("feature")).Sha);
        Assert.Equal(first, (await git.ResolveAsync("v1")).Sha);
        Assert.Equal(first, (await git.ResolveAsync("v1-annotated")).Sha);
        Assert.Equal(first, (await git.ResolveAsync("HEAD~1")).Sha);
        Assert.Equal(first, (await git.ResolveAsync(first[..7])).Sha);
        Assert.Equal(first, (await git.ResolveAsync(first)).Sha);
        Assert.Equal(GitRepoBuilder.FirstCommitDate.AddMinutes(1), (await git.ResolveAsync(second)).AuthoredAt);
    }

    [Fact]
    public async Task ResolveAsync_UnknownRevision_ThrowsOneLineNamingTheRevision()
    {
        await _repo.CommitAsync("first");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var error = await Assert.ThrowsAsync<UnknownRevisionException>(() => git.ResolveAsync("no-such-branch"));

        Assert.Equal($"unknown revision 'no-such-branch' in '{_repo.WorkTree}'", error.Message);
        Assert.Equal("no-such-branch", error.Revision);
        Assert.IsAssignableFrom<GitSourceException>(error);
    }

    [Theory]
    [InlineData("--output={0}")]
    [InlineData("-o{0}")]
    public async Task ReadCommitAsync_OptionLikeRevision_IsRejectedWithoutRunningIt(string template)
    {
        await _repo.CommitAsync("first");
        var target = Path.Combine(_repo.ScratchDirectory("scratch"), "written");
        var revision = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, target);
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var error = await Assert.ThrowsAsync<UnknownRevisionException>(() => git.ReadCommitAsync(revision));

        Assert.Equal($"invalid revision '{revision}': a revision must not start with '-'", error.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task ResolveAsync_RevisionWithNewline_IsRejectedOnOneLine()
    {
        await _repo.CommitAsync("first");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var error = await Assert.ThrowsAsync<UnknownRevisionException>(() => git.ResolveAsync("main\n--all"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.EndsWith("a revision must not contain control characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_DirectoryOutsideAnyRepository_ThrowsNotARepository()
    {
        var directory = _repo.ScratchDirectory("plain");

        var error = await Assert.ThrowsAsync<NotARepositoryException>(() => GitRepository.OpenAsync(directory));

        Assert.Equal($"'{directory}' is not a git repository: neither it nor a parent directory holds a .git", error.Message);
    }

    [Fact]
    public async Task OpenAsync_MissingDirectory_ThrowsNotARepository()
    {
        var directory = Path.Combine(_repo.Root, "missing");

        var error = await Assert.ThrowsAsync<NotARepositoryException>(() => GitRepository.OpenAsync(directory));

        Assert.Equal($"'{directory}' is not a git repository: no such directory", error.Message);
    }

    [Fact]
    public async Task ReadWorkingTreeAsync_UncommittedChanges_AreWhatIsRead()
    {
        _repo.WriteFile("services/web.yaml", "committed\n")
            .WriteFile("services/old.yaml", "old\n")
            .WriteFile(".gitignore", "services/ignored.yaml\n");
        await _repo.CommitAsync("first");
        _repo.WriteFile("services/web.yaml", "edited\n")
            .WriteFile("services/new.yaml", "new\n")
            .WriteFile("services/ignored.yaml", "ignored\n")
            .DeleteFile("services/old.yaml");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var snapshot = await git.ReadWorkingTreeAsync();

        Assert.Null(snapshot.Commit);
        Assert.Equal(
            [new("services/new.yaml", "new\n"), new("services/web.yaml", "edited\n")],
            snapshot.Files.ToArray<RepositoryFile>());
        Assert.Equal(snapshot, await git.ReadAsync(revision: null));
    }

    [Fact]
    public async Task ReadAsync_WorkTreeAndCommitWithSameFiles_AreEqualSnapshotsApartFromTheCommit()
    {
        _repo.WriteFile("gitops.yaml", "a: 1\n").WriteFile("services/z.yaml", "z\n").WriteFile("services/a-b.yaml", "ab\n").WriteFile("services/a/b.yaml", "nested\n");
        await _repo.CommitAsync("first");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var fromDisk = await git.ReadAsync(revision: null);
        var fromCommit = await git.ReadAsync("HEAD");

        Assert.Equal(fromDisk.Files, fromCommit.Files);
        Assert.NotNull(fromCommit.Commit);
    }

    [Fact]
    public async Task OpenAsync_SubdirectoryOfAWorkTree_IsTheDesiredStateRoot()
    {
        _repo.WriteFile("gitops.yaml", "root\n")
            .WriteFile("deploy/lb/gitops.yaml", "sub\n")
            .WriteFile("deploy/lb/services/web.yaml", "web\n")
            .WriteFile("services/elsewhere.yaml", "no\n");
        await _repo.CommitAsync("first");
        var git = await GitRepository.OpenAsync(Path.Combine(_repo.WorkTree, "deploy", "lb"));

        var committed = await git.ReadCommitAsync("HEAD");
        var onDisk = await git.ReadWorkingTreeAsync();

        RepositoryFile[] expected = [new("gitops.yaml", "sub\n"), new("services/web.yaml", "web\n")];
        Assert.Equal(expected, committed.Files.ToArray<RepositoryFile>());
        Assert.Equal(expected, onDisk.Files.ToArray<RepositoryFile>());
    }

    [Fact]
    public async Task ReadAsync_BareRepositoryWithoutRevision_ReadsHead()
    {
        _repo.WriteFile("services/web.yaml", "web\n");
        var sha = await _repo.CommitAsync("first");
        await _repo.CreateRemoteAsync();
        var git = await GitRepository.OpenAsync(_repo.RemotePath);

        var snapshot = await git.ReadAsync(revision: null);

        Assert.Null(git.WorkTree);
        Assert.Equal(MirrorUpdate.NotMirrored, git.LastMirrorUpdate);
        Assert.Equal(sha, snapshot.Commit!.Sha);
        Assert.Equal([new("services/web.yaml", "web\n")], snapshot.Files.ToArray<RepositoryFile>());
    }

    [Fact]
    public async Task ReadCommitAsync_SymlinksAndSubmodules_AreSkipped()
    {
        _repo.WriteFile("services/web.yaml", "web\n");
        var first = await _repo.CommitAsync("first");
        File.CreateSymbolicLink(_repo.FullPath("services/link.yaml"), "web.yaml");
        await _repo.GitAsync(["update-index", "--add", "--cacheinfo", $"160000,{first},services/module.yaml"]);
        await _repo.CommitAsync("links");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var committed = await git.ReadCommitAsync("HEAD");
        var onDisk = await git.ReadWorkingTreeAsync();

        Assert.Equal([new("services/web.yaml", "web\n")], committed.Files.ToArray<RepositoryFile>());
        Assert.Equal(committed.Files, onDisk.Files);
    }

    [Fact]
    public async Task ReadCommitAsync_FileOverTheSizeLimit_ThrowsNamingTheFile()
    {
        _repo.WriteFile("services/small.yaml", new string('a', 100)).WriteFile("services/big.yaml", new string('a', 101));
        await _repo.CommitAsync("first");
        var git = await GitRepository.OpenAsync(_repo.WorkTree, new GitRepositoryOptions { MaxFileBytes = 100 });

        var committed = await Assert.ThrowsAsync<RepositoryFileException>(() => git.ReadCommitAsync("HEAD"));
        var onDisk = await Assert.ThrowsAsync<RepositoryFileException>(() => git.ReadWorkingTreeAsync());

        const string expected = "services/big.yaml: file is 101 bytes, more than the 100 bytes a desired-state file may have";
        Assert.Equal(expected, committed.Message);
        Assert.Equal(expected, onDisk.Message);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', 0xFF, (byte)'b' })]
    [InlineData(new byte[] { (byte)'a', 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xE2, 0x82, (byte)'x', (byte)'y', (byte)'z' })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    public async Task ReadCommitAsync_InvalidUtf8_ThrowsNamingTheFile(byte[] content)
    {
        _repo.WriteFile("services/a.yaml", "fine ✓\n").WriteBytes("services/b.yaml", content).WriteFile("services/c.yaml", "fine\n");
        await _repo.CommitAsync("first");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var committed = await Assert.ThrowsAsync<RepositoryFileException>(() => git.ReadCommitAsync("HEAD"));
        var onDisk = await Assert.ThrowsAsync<RepositoryFileException>(() => git.ReadWorkingTreeAsync());

        const string expected = "services/b.yaml: file is not valid UTF-8 text; save it as UTF-8";
        Assert.Equal(expected, committed.Message);
        Assert.Equal(expected, onDisk.Message);
    }

    [Fact]
    public async Task ReadCommitAsync_MultiByteTextAndByteOrderMark_ReadExactly()
    {
        var bom = Encoding.UTF8.GetPreamble();
        _repo.WriteFile("services/a.yaml", "ü日本🚀\n")
            .WriteBytes("services/b.yaml", [.. bom, .. Encoding.UTF8.GetBytes("bom: yes\n")])
            .WriteFile("services/c.yaml", "🚀")
            .WriteFile("services/d.yaml", "")
            .WriteFile("services/e.yaml", "\n\n");
        await _repo.CommitAsync("first");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var committed = await git.ReadCommitAsync("HEAD");

        Assert.Equal(
            [new("services/a.yaml", "ü日本🚀\n"), new("services/b.yaml", "bom: yes\n"), new("services/c.yaml", "🚀"), new("services/d.yaml", ""), new("services/e.yaml", "\n\n")],
            committed.Files.ToArray<RepositoryFile>());
        Assert.Equal(committed.Files, (await git.ReadWorkingTreeAsync()).Files);
    }

    [Fact]
    public async Task ReadCommitAsync_CommitWithoutDesiredStateFiles_ReturnsNoFiles()
    {
        _repo.WriteFile("README.md", "nothing here\n");
        await _repo.CommitAsync("first");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var snapshot = await git.ReadCommitAsync("HEAD");

        Assert.Empty(snapshot.Files);
        Assert.NotNull(snapshot.Commit);
    }

    [Fact]
    public async Task ListRefsAsync_BranchesAndTags_AreListedByName()
    {
        var first = await _repo.CommitAsync("first");
        await _repo.TagAsync("v1");
        await _repo.CreateBranchAsync("feature");
        var git = await GitRepository.OpenAsync(_repo.WorkTree);

        var refs = await git.ListRefsAsync();

        Assert.Equal(
            [new("refs/heads/feature", first), new("refs/heads/main", first), new("refs/tags/v1", first)],
            refs.ToArray());
    }
}
