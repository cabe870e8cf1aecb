using GitOps.Processes;

namespace GitOps.Git;

/// <summary>
/// Runs git for the Git source: never prompts (no terminal, ssh in batch mode), ignores the caller's
/// GIT_DIR-style variables, treats pathspecs literally, prints messages in English, and is bounded in time.
/// </summary>
internal sealed class GitCli(GitRepositoryOptions options)
{
    private static readonly Dictionary<string, string?> BaseEnvironment = new()
    {
        // A credential prompt would hang a controller forever; fail instead.
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GCM_INTERACTIVE"] = "never",
        ["GIT_LITERAL_PATHSPECS"] = "1",
        ["GIT_OPTIONAL_LOCKS"] = "0",
        ["LC_ALL"] = "C",
        ["LANGUAGE"] = null,
        // Set when gitops runs from a git hook; they would redirect every command to another repository.
        ["GIT_DIR"] = null,
        ["GIT_WORK_TREE"] = null,
        ["GIT_INDEX_FILE"] = null,
        ["GIT_OBJECT_DIRECTORY"] = null,
        ["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = null,
        ["GIT_COMMON_DIR"] = null,
        ["GIT_NAMESPACE"] = null,
        ["GIT_PREFIX"] = null,
    };

    private readonly ProcessOptions _local = new() { Environment = Environment(), Timeout = options.LocalTimeout };

    private readonly ProcessOptions _network = new() { Environment = Environment(), Timeout = options.NetworkTimeout };

    public GitRepositoryOptions Options { get; } = options;

    /// <summary>Runs a local git command in <paramref name="directory"/>; a non-zero exit is returned, not thrown.</summary>
    /// <exception cref="GitCommandException">git is missing or timed out.</exception>
    public async Task<ProcessResult> RunAsync(string? directory, IReadOnlyList<string> arguments, string? standardInput, CancellationToken cancellationToken)
    {
        var processOptions = _local with { WorkingDirectory = directory, StandardInput = standardInput };
        try
        {
            return await ProcessRunner.RunAsync(Options.GitExecutable, arguments, processOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessStartException ex)
        {
            throw NotInstalled(ex);
        }
        catch (TimeoutException ex)
        {
            throw new GitCommandException(ex.Message, ex);
        }
    }

    /// <summary>Runs a local git command that must succeed.</summary>
    /// <exception cref="GitCommandException">git is missing, timed out or exited non-zero.</exception>
    public async Task<string> RunCheckedAsync(string? directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var result = await RunAsync(directory, arguments, standardInput: null, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result.StandardOutput : throw new GitCommandException($"git {Verb(arguments)} failed: {ErrorLine(result)}");
    }

    /// <summary>Runs a git command that talks to <paramref name="remote"/> and must succeed.</summary>
    /// <exception cref="RemoteUnreachableException">It exited non-zero or timed out.</exception>
    /// <exception cref="GitCommandException">git is missing.</exception>
    public async Task<string> RunRemoteAsync(string? directory, IReadOnlyList<string> arguments, string remote, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(Options.GitExecutable, arguments, _network with { WorkingDirectory = directory }, cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessStartException ex)
        {
            throw NotInstalled(ex);
        }
        catch (TimeoutException ex)
        {
            throw new RemoteUnreachableException(remote, $"git {Verb(arguments)} did not finish within {Options.NetworkTimeout.TotalSeconds:0.#} s", ex);
        }

        return result.Succeeded ? result.StandardOutput : throw new RemoteUnreachableException(remote, ErrorLine(result));
    }

    /// <summary>The first line git wrote to standard error, without its <c>fatal:</c>/<c>error:</c> prefix.</summary>
    public static string ErrorLine(ProcessResult result)
    {
        var line = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (line is null)
        {
            return $"git exited with code {result.ExitCode}";
        }

        foreach (var prefix in (string[])["fatal: ", "error: "])
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }

        return line;
    }

    private static GitCommandException NotInstalled(ProcessStartException ex) =>
        new($"could not start git ('{ex.FileName}'); install it (deploy/setup.sh does)", ex);

    private static string Verb(IReadOnlyList<string> arguments) =>
        arguments.FirstOrDefault(a => !a.StartsWith('-')) ?? "";

    private static Dictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>(BaseEnvironment);
        // Batch mode makes ssh fail instead of asking for a passphrase or a host key confirmation;
        // an operator's own GIT_SSH_COMMAND / GIT_SSH choice wins.
        if (System.Environment.GetEnvironmentVariable("GIT_SSH_COMMAND") is null && System.Environment.GetEnvironmentVariable("GIT_SSH") is null)
        {
            environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes";
        }

        return environment;
    }
}
