using Xunit;

namespace GitOps.Git.Tests;

public sealed class RepositoryAddressTests
{
    [Theory]
    [InlineData("https://example.com/org/repo.git", true)]
    [InlineData("ssh://git@example.com:2222/org/repo.git", true)]
    [InlineData("git@example.com:org/repo.git", true)]
    [InlineData("file:///srv/git/repo.git", true)]
    [InlineData("relative/path/that/does/not/exist", false)]
    [InlineData("/absolute/path/that/does/not/exist", false)]
    [InlineData("./dir:with-colon", false)]
    public void Parse_Address_IsClassifiedAsGitWould(string repo, bool isRemote)
    {
        Assert.Equal(isRemote, RepositoryAddress.Parse(repo).IsRemote);
    }

    [Fact]
    public void Parse_ExistingDirectoryWithColonInItsName_IsLocal()
    {
        var directory = Directory.CreateTempSubdirectory("gitops-host:path-");
        try
        {
            var relative = Path.GetRelativePath(Environment.CurrentDirectory, directory.FullName);

            Assert.False(RepositoryAddress.Parse(relative).IsRemote);
        }
        finally
        {
            directory.Delete();
        }
    }

    [Theory]
    [InlineData("https://user:secret@example.com/repo.git", "https://***@example.com/repo.git")]
    [InlineData("https://ghp_token@example.com/repo.git", "https://***@example.com/repo.git")]
    [InlineData("ssh://git@example.com/repo.git", "ssh://git@example.com/repo.git")]
    [InlineData("ssh://git:secret@example.com/repo.git", "ssh://***@example.com/repo.git")]
    [InlineData("git@example.com:org/repo.git", "git@example.com:org/repo.git")]
    public void Parse_UrlWithCredentials_DisplaysWithoutThem(string repo, string display)
    {
        Assert.Equal(display, RepositoryAddress.Parse(repo).Display);
    }

    [Fact]
    public void MirrorName_Urls_AreReadableDistinctAndFreeOfCredentials()
    {
        var plain = RepositoryAddress.Parse("https://example.com/org/repo.git").MirrorName();
        var withToken = RepositoryAddress.Parse("https://token@example.com/org/repo.git").MirrorName();
        var scp = RepositoryAddress.Parse("git@example.com:org/repo.git").MirrorName();

        Assert.Matches("^https-example.com-org-repo.git-[0-9a-f]{12}$", plain);
        Assert.Matches("^https-example.com-org-repo.git-[0-9a-f]{12}$", withToken);
        Assert.NotEqual(plain, withToken);
        Assert.Matches("^git-example.com-org-repo.git-[0-9a-f]{12}$", scp);
    }

    [Theory]
    [InlineData("--upload-pack=touch /tmp/x")]
    [InlineData("-u")]
    public void Parse_OptionLikeAddress_IsRejected(string repo)
    {
        var error = Assert.Throws<NotARepositoryException>(() => RepositoryAddress.Parse(repo));

        Assert.Equal($"'{repo}' is not a git repository: a repository path or URL must not start with '-'", error.Message);
    }
}
