using System.Globalization;
using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>TLS only on http services, with a safe absolute certificate path and a redirect port other than the service's own.</summary>
internal sealed class TlsValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        foreach (var service in repository.Services)
        {
            if (service.Listen?.Tls is not { } tls)
            {
                continue;
            }

            if (service.Listen.Mode?.Value == ListenMode.Tcp)
            {
                diagnostics.Error(DiagnosticCodes.TlsOnTcp, tls.Location, $"service '{service.DisplayName}' is tcp and cannot terminate TLS; remove 'listen.tls' or use mode http");
            }

            if (tls.Certificate is { } certificate && !IsSafeCertificatePath(certificate.Value))
            {
                diagnostics.Error(DiagnosticCodes.InvalidCertificatePath, certificate.Location, $"certificate path '{ConfigToken.Printable(certificate.Value)}' is invalid; use an absolute path of letters, digits and ._+@=,- without '.' or '..' segments, such as /etc/gitops/certs/site.pem");
            }

            if (tls.RedirectFrom is { } redirect && service.Listen.Port is { } port && redirect.Value == port.Value)
            {
                diagnostics.Error(DiagnosticCodes.RedirectConflict, redirect.Location, string.Create(CultureInfo.InvariantCulture, $"'listen.tls.redirectFrom' of service '{service.DisplayName}' is its own port {port.Value}; use another port such as 80, or null for no redirect"));
            }
        }
    }

    private static bool IsSafeCertificatePath(string path) =>
        ConfigToken.IsAbsoluteFilePath(path) && !path.Split('/').Any(segment => segment is "." or "..");
}
