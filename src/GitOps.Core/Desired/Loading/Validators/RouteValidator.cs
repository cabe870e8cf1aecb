using GitOps.Core.Desired.Loading.Specs;
using GitOps.Core.Validation;

namespace GitOps.Core.Desired.Loading.Validators;

/// <summary>Routes belong to http services, name valid host names, and appear once per service.</summary>
internal sealed class RouteValidator : IRepositoryValidator
{
    public void Validate(RepositorySpec repository, DiagnosticBag diagnostics)
    {
        foreach (var service in repository.Services)
        {
            if (service.Routes.Count > 0 && service.Listen?.Mode?.Value == ListenMode.Tcp)
            {
                diagnostics.Error(DiagnosticCodes.RoutesOnTcp, service.Routes[0].Location, $"service '{service.DisplayName}' is tcp and cannot have routes; remove 'routes' or use mode http");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var route in service.Routes)
            {
                if (route.Host is { } host && !ConfigToken.IsHostName(host.Value))
                {
                    diagnostics.Error(DiagnosticCodes.InvalidHostName, host.Location, $"route host '{ConfigToken.Printable(host.Value)}' at '{route.Path}.host' is invalid; use a lowercase DNS name such as www.example.com or *.example.com");
                }

                var key = Describe(route);
                if (!seen.Add(key))
                {
                    diagnostics.Error(DiagnosticCodes.DuplicateRoute, route.Location, $"route '{ConfigToken.Printable(key)}' is listed twice in service '{service.DisplayName}'; remove the duplicate");
                }
            }
        }
    }

    /// <summary>A route as <c>host/path</c>, with <c>*</c> for any host.</summary>
    public static string Describe(RouteSpec route) => (route.Host?.Value ?? "*") + (route.UrlPath?.Value ?? "/");
}
