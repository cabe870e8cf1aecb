using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Route, health check and stats paths follow <see cref="ConfigToken.IsUrlPath"/>.</summary>
internal sealed class UrlPathValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        Check("stats.path", repository.Settings?.Stats?.Path, diagnostics);
        Check("stats.prometheusPath", repository.Settings?.Stats?.PrometheusPath, diagnostics);
        foreach (var service in repository.Services)
        {
            foreach (var route in service.Routes)
            {
                Check($"{route.Path}.path", route.UrlPath, diagnostics);
            }

            Check("backend.health.path", service.Backend?.Health?.Path, diagnostics);
        }
    }

    private static void Check(string path, Located<string>? value, DiagnosticBag diagnostics)
    {
        if (value is { } text && !ConfigToken.IsUrlPath(text.Value))
        {
            diagnostics.Error(DiagnosticCodes.InvalidPath, text.Location, $"path '{ConfigToken.Printable(text.Value)}' at '{path}' is invalid; start it with '/' and use only letters, digits and -._~/%:@!*+,;=&");
        }
    }
}
