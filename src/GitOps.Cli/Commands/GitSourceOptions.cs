using System.CommandLine;
using GitOps.Git;

namespace GitOps.Cli.Commands;

/// <summary>
/// The options that configure the Git source on every command that takes <c>--repo</c>: today the ssh key
/// (<c>--git-ssh-key</c>, else <c>$GITOPS_GIT_SSH_KEY</c>), checked before any ssh runs.
/// </summary>
internal sealed class GitSourceOptions
{
    public Option<string?> SshKey { get; } = CreateSshKey();

    public void AddTo(Command command) => command.Options.Add(SshKey);

    /// <summary>The Git source's options from the command line and the environment.</summary>
    /// <exception cref="CommandInputException"><c>$GITOPS_GIT_SSH_KEY</c> names an unusable file (the option itself is checked while parsing).</exception>
    public GitRepositoryOptions Resolve(ParseResult parseResult) => Resolve(parseResult.GetValue(SshKey), Environment.GetEnvironmentVariable(SshKeyFile.Variable));

    internal static GitRepositoryOptions Resolve(string? option, string? environment)
    {
        if (option is null && !string.IsNullOrEmpty(environment) && SshKeyFile.Problem(environment) is { } problem)
        {
            throw new CommandInputException($"${SshKeyFile.Variable}: {problem}");
        }

        var key = option ?? (string.IsNullOrEmpty(environment) ? null : environment);
        return new GitRepositoryOptions { SshKeyFile = key is null ? null : Path.GetFullPath(key) };
    }

    private static Option<string?> CreateSshKey()
    {
        var option = new Option<string?>("--git-ssh-key")
        {
            Description = "Private key for ssh:// and git@host:path repositories (ssh -i, offering no other key). Default: $GITOPS_GIT_SSH_KEY, " +
                          "else whatever ssh itself chooses (~/.ssh/config, the ssh agent, ~/.ssh/id_*), or GIT_SSH_COMMAND when set.",
            HelpName = "file",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } path && SshKeyFile.Problem(path) is { } problem)
            {
                result.AddError($"--git-ssh-key: {problem}");
            }
        });
        return option;
    }
}
