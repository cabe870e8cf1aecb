namespace GitOps.Cli.Store;

/// <summary>Where <c>gitops up</c> keeps its private state when <c>--data-dir</c> is not given.</summary>
internal static class DataDirectory
{
    /// <summary>The environment variable naming the data directory, before the XDG default.</summary>
    public const string Variable = "GITOPS_DATA_DIR";

    /// <summary><c>$GITOPS_DATA_DIR</c>, else <c>$XDG_DATA_HOME/gitops</c>, else <c>~/.local/share/gitops</c>.</summary>
    public static string Default()
    {
        var explicitDirectory = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(explicitDirectory))
        {
            return Path.GetFullPath(explicitDirectory);
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome) || !Path.IsPathRooted(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(dataHome, "gitops");
    }
}
