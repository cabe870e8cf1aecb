namespace GitOps.Git;

/// <summary>Checks a private key file named with <c>--git-ssh-key</c> / <c>GITOPS_GIT_SSH_KEY</c> before ssh is asked to use it.</summary>
public static class SshKeyFile
{
    /// <summary>The environment variable the CLI reads when <c>--git-ssh-key</c> is not given.</summary>
    public const string Variable = "GITOPS_GIT_SSH_KEY";

    /// <summary>Why <paramref name="path"/> cannot be used as an ssh private key, or null when it can. Never reads more than the first line.</summary>
    public static string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return "the ssh key file name is empty";
        }

        if (Directory.Exists(path))
        {
            return $"ssh key file '{path}' is a directory, not a private key file";
        }

        if (!File.Exists(path))
        {
            return $"ssh key file '{path}' does not exist";
        }

        string? firstLine;
        try
        {
            using var reader = new StreamReader(path);
            firstLine = reader.ReadLine();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"ssh key file '{path}' cannot be read: {ex.Message}";
        }

        if (firstLine is null || !firstLine.StartsWith("-----BEGIN ", StringComparison.Ordinal) || !firstLine.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return $"ssh key file '{path}' is not a private key (it should start with '-----BEGIN … PRIVATE KEY-----'; the .pub file is the public half)";
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            return $"ssh key file '{path}' can be read by other users, so ssh refuses it; run chmod 600 '{path}'";
        }

        return null;
    }
}
