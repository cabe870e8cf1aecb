using GitOps.Processes;

namespace GitOps.Keepalived.Validation;

/// <summary>Runs <c>keepalived --config-test</c> on a configuration file: the last check before a configuration is made live.</summary>
public static class KeepalivedConfigChecker
{
    /// <summary>
    /// Checks <paramref name="configPath"/> in the network namespace <paramref name="command"/> runs in (keepalived refuses
    /// interfaces that do not exist there); the result's output carries keepalived's complaints (file, line, keyword).
    /// </summary>
    /// <param name="command">keepalived (a name looked up on PATH and in /usr/sbin, or a path), optionally after a wrapper such as <c>ip netns exec NS</c>.</param>
    /// <param name="configPath">The configuration file to check.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <exception cref="ProcessStartException">keepalived is not installed (deploy/setup.sh installs it).</exception>
    public static async Task<KeepalivedCheckResult> CheckAsync(IReadOnlyList<string> command, string configPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var program = ProcessRunner.FindOnPath(command[0])
            ?? throw new ProcessStartException(command[0], new FileNotFoundException($"'{command[0]}' was not found (looked on PATH and in /usr/sbin). Install keepalived with deploy/setup.sh."));
        var result = await ProcessRunner.RunAsync(program, [.. command.Skip(1), "--config-test", "-f", configPath], new ProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
        return new KeepalivedCheckResult(result.ExitCode == 0, (result.StandardOutput + result.StandardError).Trim());
    }
}
