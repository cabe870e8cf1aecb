using GitOps.Core.Collections;
using GitOps.Processes;

namespace GitOps.HAProxy.Validation;

/// <summary>
/// Checks a configuration with the real <c>haproxy -c -f</c>, the same check Debian's unit runs
/// before every reload. The text is written to a private temporary directory as
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
        var executable = ProcessRunner.FindOnPath(program) ?? throw new HAProxyNotFoundException(program);
        var directory = Directory.CreateTempSubdirectory("gitops-check-");
        try
        {
            var path = Path.Combine(directory.FullName, FileName);
            var checkedText = placeholderForMissingCertificates ? CertificatePlaceholders.Substitute(configText) : configText;
            await File.WriteAllTextAsync(path, checkedText, cancellationToken).ConfigureAwait(false);
            ProcessResult result;
            try
            {
                result = await ProcessRunner.RunAsync(executable, ["-c", "-f", path], ProcessOptions.Default, cancellationToken).ConfigureAwait(false);
            }
            catch (ProcessStartException ex)
            {
                throw new HAProxyNotFoundException(program, ex);
            }

            var output = (result.StandardOutput + result.StandardError).Replace(path, FileName, StringComparison.Ordinal);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new HAProxyCheckResult(
                result.Succeeded,
                result.ExitCode,
                lines.Where(l => l.StartsWith("[ALERT]", StringComparison.Ordinal)).ToValueList(),
                lines.Where(l => l.StartsWith("[WARNING]", StringComparison.Ordinal)).ToValueList(),
                output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
