using GitOps.Core.Collections;
using GitOps.Processes;

namespace GitOps.HAProxy.Validation;

/// <summary>
/// Checks a configuration with the real <c>haproxy -c -f</c>, the same check Debian's unit runs
/// before every reload. <see cref="CheckAsync"/> writes the text to a private temporary directory as
/// <c>haproxy.cfg</c>, and that name is what the messages show.
/// With <paramref name="placeholderForMissingCertificates"/> (the controller's central check), a
/// <c>crt</c> file that exists only on the load-balancer hosts is replaced by a self-signed placeholder.
/// </summary>
public sealed class HAProxyConfigChecker(string program = "haproxy", bool placeholderForMissingCertificates = false)
{
    private const string FileName = "haproxy.cfg";

    /// <exception cref="HAProxyNotFoundException">haproxy is not installed.</exception>
    public async Task<HAProxyCheckResult> CheckAsync(string configText, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configText);
        var directory = Directory.CreateTempSubdirectory("gitops-check-");
        try
        {
            var path = Path.Combine(directory.FullName, FileName);
            var checkedText = placeholderForMissingCertificates ? CertificatePlaceholders.Substitute(configText) : configText;
            await File.WriteAllTextAsync(path, checkedText, cancellationToken).ConfigureAwait(false);
            return await CheckFileAsync(path, FileName, workingDirectory: null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Checks the file at <paramref name="path"/> as HAProxy would load it from
    /// <paramref name="workingDirectory"/> (relative paths such as <c>crt</c> files resolve there);
    /// the messages name the file <paramref name="shownName"/>.
    /// </summary>
    /// <exception cref="HAProxyNotFoundException">haproxy is not installed.</exception>
    public async Task<HAProxyCheckResult> CheckFileAsync(string path, string shownName, string? workingDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(shownName);
        var executable = ProcessRunner.FindOnPath(program) ?? throw new HAProxyNotFoundException(program);
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(
                executable, ["-c", "-f", path], ProcessOptions.Default with { WorkingDirectory = workingDirectory }, cancellationToken).ConfigureAwait(false);
        }
        catch (ProcessStartException ex)
        {
            throw new HAProxyNotFoundException(program, ex);
        }

        var output = (result.StandardOutput + result.StandardError).Replace(path, shownName, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new HAProxyCheckResult(
            result.Succeeded,
            result.ExitCode,
            lines.Where(l => l.StartsWith("[ALERT]", StringComparison.Ordinal)).ToValueList(),
            lines.Where(l => l.StartsWith("[WARNING]", StringComparison.Ordinal)).ToValueList(),
            output);
    }
}
