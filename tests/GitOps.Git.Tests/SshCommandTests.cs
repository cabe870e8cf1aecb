using Xunit;

namespace GitOps.Git.Tests;

public sealed class SshCommandTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void For_NoGitSshVariables_RunsSshInBatchMode()
    {
        var command = SshCommand.For("ssh://git@example.com:2222/org/repo.git", "git-upload-pack", keyFile: null, NoEnvironment);

        Assert.Equal("ssh", command.FileName);
        Assert.Equal(["-o", "BatchMode=yes", "-p", "2222", "git@example.com", "git-upload-pack '/org/repo.git'"], command.Arguments);
    }

    [Fact]
    public void For_KeyFile_IsTheOnlyIdentityOffered()
    {
        var command = SshCommand.For("git@example.com:org/repo.git", "git-upload-pack", "/keys/deploy", NoEnvironment);

        Assert.Equal(["-o", "BatchMode=yes", "-i", "/keys/deploy", "-o", "IdentitiesOnly=yes", "git@example.com", "git-upload-pack 'org/repo.git'"], command.Arguments);
    }

    [Fact]
    public void For_GitSshCommand_RunsThroughTheShellWithTheArgumentsAppended()
    {
        var command = SshCommand.For("ssh://example.com/~user/it's.git", "git-upload-pack", keyFile: null, name => name == "GIT_SSH_COMMAND" ? "ssh -i ~/.ssh/deploy" : "ignored");

        Assert.Equal("/bin/sh", command.FileName);
        Assert.Equal(["-c", "ssh -i ~/.ssh/deploy \"$@\"", "ssh -i ~/.ssh/deploy", "example.com", "git-upload-pack '~user/it'\\''s.git'"], command.Arguments);
    }

    [Fact]
    public void For_GitSsh_IsRunAsAProgram()
    {
        var command = SshCommand.For("ssh://[::1]:22/repo.git", "git-upload-pack", keyFile: null, name => name == "GIT_SSH" ? "/usr/local/bin/my-ssh" : null);

        Assert.Equal("/usr/local/bin/my-ssh", command.FileName);
        Assert.Equal(["-p", "22", "::1", "git-upload-pack '/repo.git'"], command.Arguments);
    }

    [Theory]
    [InlineData("ssh://-oProxyCommand=touch%20x/repo.git")]
    [InlineData("-oProxyCommand=x:repo.git")]
    [InlineData("ssh://host:22x/repo.git")]
    public void For_HostThatSshWouldReadAsAnOption_IsRefused(string url)
    {
        Assert.Throws<ArgumentException>(() => SshCommand.For(url, "git-upload-pack", keyFile: null, NoEnvironment));
    }

    [Fact]
    public void ErrorText_SshStandardError_IsOneLineWithoutNoticesOrPrefixes()
    {
        var text = SshProcess.ErrorText("Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts.\r\nfatal: '/x.git' does not appear to be a git repository\n");

        Assert.Equal("'/x.git' does not appear to be a git repository", text);
    }

    [Fact]
    public void Problem_KeyFiles_AreCheckedBeforeSshSeesThem()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var directory = Directory.CreateTempSubdirectory("gitops-ssh-key-").FullName;
        try
        {
            var good = Path.Combine(directory, "id");
            File.WriteAllText(good, "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n");
            File.SetUnixFileMode(good, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var open = Path.Combine(directory, "open");
            File.Copy(good, open);
            File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var publicHalf = Path.Combine(directory, "id.pub");
            File.WriteAllText(publicHalf, "ssh-ed25519 AAAA test\n");

            Assert.Null(SshKeyFile.Problem(good));
            Assert.Equal($"ssh key file '{open}' can be read by other users, so ssh refuses it; run chmod 600 '{open}'", SshKeyFile.Problem(open));
            Assert.StartsWith($"ssh key file '{publicHalf}' is not a private key", SshKeyFile.Problem(publicHalf), StringComparison.Ordinal);
            Assert.Equal($"ssh key file '{directory}' is a directory, not a private key file", SshKeyFile.Problem(directory));
            Assert.Equal($"ssh key file '{directory}/none' does not exist", SshKeyFile.Problem(Path.Combine(directory, "none")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
