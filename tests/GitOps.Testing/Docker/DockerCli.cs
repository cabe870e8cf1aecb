using GitOps.Processes;

namespace GitOps.Testing.Docker;

/// <summary>Runs the <c>docker</c> command-line client against one engine endpoint.</summary>
internal sealed class DockerCli(string endpoint)
{
    public string Endpoint { get; } = endpoint;

    /// <summary>Runs <c>docker --host Endpoint arguments…</c> and returns its standard output, trimmed.</summary>
    /// <exception cref="ProcessFailedException">docker exited non-zero; the message carries its error output.</exception>
    public async Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var result = await TryRunAsync(arguments, cancellationToken, timeout).ConfigureAwait(false);
        return result.EnsureSuccess().StandardOutput.Trim();
    }

    /// <summary>Like <see cref="RunAsync"/> but returns the result whatever the exit code.</summary>
    public Task<ProcessResult> TryRunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var options = new ProcessOptions { Timeout = timeout ?? TimeSpan.FromMinutes(2) };
        return ProcessRunner.RunAsync(Program(), ["--host", Endpoint, .. arguments], options, cancellationToken);
    }

    /// <summary>Whether an engine answers on <see cref="Endpoint"/> within a few seconds.</summary>
    public async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await TryRunAsync(["version", "--format", "{{.Server.Version}}"], cancellationToken, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return result.Succeeded;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static string Program() =>
        ProcessRunner.FindOnPath("docker")
        ?? throw new InvalidOperationException("The docker command-line client is not installed. Run deploy/setup.sh to install the docker.io package.");
}
