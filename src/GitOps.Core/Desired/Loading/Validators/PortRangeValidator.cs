using System.Globalization;
using GitOps.Core.Desired.Loading.Specs;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Every port is within 1–65535.</summary>
internal sealed class PortRangeValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        Check("stats.port", repository.Settings?.Stats?.Port, diagnostics);
        foreach (var service in repository.Services)
        {
            Check("listen.port", service.Listen?.Port, diagnostics);
            Check("listen.tls.redirectFrom", service.Listen?.Tls?.RedirectFrom, diagnostics);
            Check("backend.discover.port", service.Backend?.Discover?.Port, diagnostics);
        }
    }

    public static bool IsPort(long value) => value is >= 1 and <= 65535;

    private static void Check(string path, Located<long>? port, DiagnosticBag diagnostics)
    {
        if (port is { } value && !IsPort(value.Value))
        {
            diagnostics.Error(DiagnosticCodes.PortOutOfRange, value.Location, string.Create(CultureInfo.InvariantCulture, $"port {value.Value} at '{path}' is out of range; use a port between 1 and 65535"));
        }
    }
}
