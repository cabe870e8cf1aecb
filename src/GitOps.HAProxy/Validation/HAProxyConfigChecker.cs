using GitOps.Core.Collections;
using GitOps.Processes;

namespace GitOps.HAProxy.Validation;

/// <summary>
/// Checks a configuration with the real <c>haproxy -c -f</c>, the same check Debian's unit runs
/// before every reload. <see cref="CheckAsync"/> hands the text to haproxy on its standard input
/// (<c>-f /dev/stdin</c>, which 2.6 reads like any file), and the messages name it <c>haproxy.cfg</c>.
/// With <paramref name="placeholderForMissingCertificates"/> (the controller's central check), a
/// <c>crt</c> file that exists only on the load-balancer hosts is replaced by a self-signed placeholder.
/// </summary>
public sealed class HAProxyConfigChecker(string program = "haproxy", bool placeholderForMissingCertificates = false)
{
    private const string FileName = "haproxy.cfg";

    /// <summary>Where haproxy reads a configuration handed over on its standard input.</summary>
    private const string StandardInputPath = "/dev/stdin";

    /// <exception cref="HAProxyNotFoundException">haproxy is not installed.</exception>
    public async Task<HAProxyCheckResult> CheckAsync(string configText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configText);
        await using var started = StartCheck();
        return await CheckStartedAsync(started, configText, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a <c>haproxy -c</c> that waits for the text <see cref="CheckStartedAsync"/> gives it.</summary>
    /// <exception cref="HAProxyNotFoundException">haproxy is not installed.</exception>
    internal StartedProcess StartCheck() =>
        // Through a pipe rather than a temporary file: the controller checks every rendering, and
        // creating, writing and deleting a directory each time is work on the path to publishing.
        Start(StandardInputPath, ProcessOptions.Default);

    /// <summary>Hands <paramref name="configText"/> to a check started by <see cref="StartCheck"/> and reads its verdict.</summary>
    internal async Task<HAProxyCheckResult> CheckStartedAsync(StartedProcess started, string configText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(started);
        ArgumentNullException.ThrowIfNull(configText);
        var checkedText = placeholderForMissingCertificates ? CertificatePlaceholders.Substitute(configText) : configText;
        var result = await started.CompleteAsync(checkedText, cancellationToken).ConfigureAwait(false);
        return Verdict(result, StandardInputPath, FileName);
    }

    /// <summary>
    /// Checks the file at <paramref name="path"/> as HAProxy would load it from
    /// <paramref name="workingDirectory"/> (relative paths such as <c>crt</c> files resolve there);
    /// the messages name the file <paramref name="shownName"/>.
    /// </summary>
    /// <exception cref="HAProxyNotFoundException">haproxy is not installed.</exception>
    public Task<HAProxyCheckResult> CheckFileAsync(string path, string shownName, string? workingDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(shownName);
        return RunFileCheckAsync(path, shownName, workingDirectory, cancellationToken);
    }

    private static HAProxyCheckResult Verdict(ProcessResult result, string path, string shownName)
    {
        var output = (result.StandardOutput + result.StandardError).Replace(path, shownName, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new HAProxyCheckResult(
            result.Succeeded,
            result.ExitCode,
            lines.Where(l => l.StartsWith("[ALERT]", StringComparison.Ordinal)).ToValueList(),
            lines.Where(l => l.StartsWith("[WARNING]", StringComparison.Ordinal)).ToValueList(),
            output);
    }

    private async Task<HAProxyCheckResult> RunFileCheckAsync(string path, string shownName, string? workingDirectory, CancellationToken cancellationToken)
    {
        await using var started = Start(path, ProcessOptions.Default with { WorkingDirectory = workingDirectory });
        var result = await started.CompleteAsync(standardInput: null, cancellationToken).ConfigureAwait(false);
        return Verdict(result, path, shownName);
    }

    /// <summary>Starts <c>haproxy -c -f <paramref name="configPath"/></c>; its standard input is given (or closed) by <see cref="StartedProcess.CompleteAsync"/>.</summary>
    /// <exception cref="HAProxyNotFoundException">haproxy is not installed.</exception>
    private StartedProcess Start(string configPath, ProcessOptions options)
    {
        var executable = ProcessRunner.FindOnPath(program) ?? throw new HAProxyNotFoundException(program);
        try
        {
            return ProcessRunner.StartWaitingForInput(executable, ["-c", "-f", configPath], options);
        }
        catch (ProcessStartException ex)
        {
            throw new HAProxyNotFoundException(program, ex);
        }
    }
}
